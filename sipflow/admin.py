"""viewflow registers its Process and Task models in the admin with no object-level checks:
their lists show every SIP's summary (the person's name). The SIP pages are the place to
see processes, so they are taken out of the admin."""

from django.contrib import admin
from viewflow.workflow.models import Process, Task

for model in (Process, Task):
    if admin.site.is_registered(model):
        admin.site.unregister(model)
