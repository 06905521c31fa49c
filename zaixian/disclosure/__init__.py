"""Open government information (政府信息公开), proactive disclosure (主动公开), at ``/zwgk/``."""
