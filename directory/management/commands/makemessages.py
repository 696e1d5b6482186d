"""makemessages without fuzzy matching: our msgids are Swedish and viewflow's English, so
a "similar" old entry is never the right translation (it once offered "Exportera BPMN" for
"Export")."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
