"""Template filters that mask personal data on pages (``{% load personal_data %}``)."""

from __future__ import annotations

from django import template

from zaixian.core.rules import mask_address, mask_id_number, mask_name, mask_phone

register = template.Library()

register.filter("mask_name", mask_name)
register.filter("mask_phone", mask_phone)
register.filter("mask_id_number", mask_id_number)
register.filter("mask_address", mask_address)
