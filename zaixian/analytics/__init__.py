"""Web analytics for every site of the group, without third parties (docs/analytics.md).

Models: ``PageView`` (raw hits, kept ``ANALYTICS_RAW_RETENTION_DAYS``), ``VisitorDay``,
``DailySummary`` and ``DailyCount`` (daily aggregates, kept for years), ``VisitorSalt``,
``LogImport``, ``RollupCursor``, ``AnalyticsSettings``. Public functions:
``actions.record_page_view``, ``record_server_page_view``, ``roll_up_page_views``,
``import_log_file``, ``purge_analytics``; ``reports.report_for_user``, ``site_report``,
``daily_figures``, ``real_time``, ``yearly_totals``, ``public_summary``.
"""
