"""Shared services: the department tree, users and roles, the audit log, the working-day
calendar, Chinese text utilities, validators, notifications and rate limits.

Models owned: Department, User, HolidaySchedule, CalendarDay, Notification.
Public functions: ``workdays.add_working_days``, ``workdays.working_days_between``,
``audit.record``, ``text.segment``, ``validators.validate_resident_id`` /
``validate_credit_code`` / ``validate_mobile_phone``, ``notifications.notify`` /
``send_sms``, ``ratelimit.rate_limited`` / ``check_rate``.
``core`` imports no domain app.
"""
