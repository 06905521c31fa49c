"""The case engine (办件): one workflow engine for everything a citizen starts and an office
finishes — licence applications, disclosure requests, hotline cases, sector processes.

Modules declare their case types in code (``registry.CaseType``: states, transitions, who may
perform each, what each does to the deadline clock) and register them when their app is
ready. Every state change goes through ``actions.transition_case``.

Models: ``Case``, ``CaseEvent`` (the history), ``CaseAttachment``.
Public functions: ``actions.create_case``, ``actions.transition_case``, ``actions.assign_case``,
``actions.add_case_attachment``; ``queries.cases_for_officer``, ``queries.cases_for_applicant``,
``queries.worklist``, ``queries.deadline_overview``, ``queries.tracked_case``.
"""
