"""Shared services: the department tree, users and roles, the audit log, the working-day
calendar and Chinese text utilities.

Models owned: Department, User, HolidaySchedule, CalendarDay.
Public functions: ``workdays.add_working_days``, ``workdays.working_days_between``,
``audit.record``, ``text.segment``.
``core`` imports no domain app.
"""
