"""The online service hall (在线办事, ``/bsfw/``): the service item catalogue, the forms offices
define for each item, applications on the case engine, tracking and service ratings.

Models: ``ServiceItem`` (with ``ServiceMaterial``, ``ServiceFormField``, ``ServiceFAQ``),
``LifeEvent``, ``ServiceTopic``, ``Application``, ``ApplicationMaterial``, ``ServiceRating``.
"""
