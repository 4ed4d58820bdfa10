"""Signals that Evaluation sends for the apps built on it (which may import Evaluation, never the other way round).

``responses_changed`` (sender: the Survey class, keyword ``survey_id``): responses of a survey were added or
removed outside a web submission — paper responses imported (``services.responses_import``) or test and spam
responses deleted (``services.responses_delete``). Figures derived from the survey's closed waves, such as the
survey-fed KPIs of Transformation, must be recomputed. Sent inside the service's transaction once the answers
and their tallies are written, so a receiver reads the new figures and its writes commit (or roll back) with
them.
"""

from django.dispatch import Signal

responses_changed = Signal()
