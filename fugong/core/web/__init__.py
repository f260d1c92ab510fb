"""The web kit: base forms and class-based views every app's pages are built on.

A page says what it needs — the capability, the model and action (its scope), the form, the service
— and the kit does the rest once: sign-in and the capability gate, the scoped queryset or the
``get_visible_or_404`` fetch, the service call inside the request, a service's ValidationError put
onto the form's fields, PermissionDenied as 403, the message after success, and the HTMX fragment
or the whole page (NetBox's generic views and ``restrict_form_fields``, taken as ideas).
"""
