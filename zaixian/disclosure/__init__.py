"""Open government information (政府信息公开) under the 2019 Regulations: proactive
disclosure (主动公开) at ``/zwgk/``, disclosure requests (依申请公开) on the case engine, and
the annual report in the 2021 format (``docs/disclosure.md`` describes the last two).

``/zwgk/`` is a Wagtail page, not a routed view: ``actions.ensure_disclosure_root`` puts a
``DisclosureIndexPage`` with the slug ``zwgk`` under the default site's home page (taking the
sub-channels of a plain channel that held the slug). Below it, one
``DisclosureCataloguePage`` per organisation (``/zwgk/<code>/``), holding that organisation's
``DisclosureGuidePage`` (Article 12) and its ``DisclosureItemPage`` items. Filters are query
parameters of the catalogue pages; a bad one is named on the page with status 400.

Models: ``DisclosureCategory`` (Articles 20 and 21 plus policy interpretations, codes 01–23,
loaded by a data migration), ``IndexNumberSequence`` (counters, never reused), the page types,
``DisclosureAttachment`` and ``PolicyInterpretationLink`` (an interpretation and the policies
it interprets, shown both ways).

Public functions: ``actions.ensure_disclosure_root``, ``create_disclosure_catalogue``,
``setup_catalogue_permissions`` (the organisation's editors and reviewers get Wagtail page
permissions on its catalogue only, and a one-step review workflow), ``ensure_disclosure_guide``,
``allocate_index_number``, ``create_disclosure_item``; ``queries.disclosure_counts`` (items per
category and month for any organisation and period), ``reports.normative_document_counts`` (annual
report, table 2), ``late_items_for_user``; ``demo.load_disclosure_demo``. The editor's form
(``forms.DisclosureItemPageForm``) checks the metadata and hands out the index number; the
office's reports live in the admin under "Open government".

Requests: ``DisclosureRequest`` (one-to-one with ``cases.Case``, type ``disclosure.request``
declared in ``rules.REQUEST``), ``actions.submit_disclosure_request`` (the form at
``/zwgk/apply/``), ``register_disclosure_request`` (paper requests, Article 31),
``issue_fee_notice``, ``after_request_transition`` (the engine's hook: correction, extension and
fee rules, outcomes, the reply letter as PDF and DOCX). The annual report:
``reports.annual_report`` with ``AnnualReportFigures`` (figures entered by hand),
``/zwgk/annual-report/<year>/`` and the ``report_disclosure_annual`` command.
"""
