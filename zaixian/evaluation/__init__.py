"""Site self-evaluation (网站自查): crawls the platform's own sites and any government site
URL, checks every page and the platform's own data against the State Council's indicators
(国办秘函〔2019〕19号), scores each site (single-veto items, deduction items out of 100, bonus
items) and reports the findings with their evidence.

Models: ``EvaluationTarget``, ``AvailabilityProbe``, ``EvaluationRun``, ``CrawledPage``,
``CheckedLink``, ``Finding``, ``WordingRule``.
Public functions: ``actions.run_evaluation``, ``actions.probe_availability``,
``queries.scorecard_history``, ``reports.render_scorecard``, ``reports.yearly_work_report``.
"""
