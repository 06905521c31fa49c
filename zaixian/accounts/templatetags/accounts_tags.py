"""Masking filters for account pages: personal data shown only partly on screen."""

from django import template

from zaixian.accounts.rules import mask_email
from zaixian.core.rules import mask_id_number, mask_phone

register = template.Library()
register.filter("mask_id_number", mask_id_number)
register.filter("mask_phone", mask_phone)
register.filter("mask_email", mask_email)
