"""Demo data of the gates and the risk radar for ``manage.py seed_demo`` (registered last).

Digitale Innenstadt has moved E → K (all criteria met) and K → T with an override: the parking guidance
system had to start before the grant deadline while the digital shop window's operator and financing were
still open. Both decisions lie in the past. Of the warnings the radar then computes, the old station map
sign is acknowledged with a note. Idempotent: transitions and the acknowledgement are only added once.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from concept.models import Touchpoint
from programmes import services as programme_services
from programmes.models import Phase, PhaseTransition, RiskAcknowledgement
from programmes.risks import risk_acknowledge

PROGRAMME_SLUG = "digitale-innenstadt"

E_TO_K = (
    "Die Besucherbefragung (zwei Wellen, 360 Antworten) und die Frequenzdaten zeigen klar, was fehlt: "
    "aktuelle Öffnungszeiten und Angebote an einem Ort und eine bessere Parkplatzsuche. Der Initiativkreis hat "
    "die Erkenntnisse am Runden Tisch bestätigt; wir gehen in die Konzeption."
)
K_TO_T = (
    "Das Parkleitsystem ist in allen vier Dimensionen entschieden und finanziert; der Förderbescheid des "
    "Landesprogramms verlangt den Umsetzungsbeginn noch in diesem Quartal. Für das Digitale Schaufenster sind "
    "Betreiber und Finanzierung noch offen – wir starten die Transformation trotzdem und klären beides bis zur "
    "Ausschusssitzung im Januar. Die Werbegemeinschaft hat ihre Beteiligung schriftlich zugesagt."
)
STALE_SIGN = "Stadtplan-Tafel am Bahnhof"
STALE_SIGN_NOTE = (
    "Die Tafel wird mit der Rollout-Stufe „Erweiterung“ des Parkleitsystems durch eine digitale Anzeige "
    "ersetzt. Bis dahin bleibt sie bewusst unverändert; das Citymanagement klebt einen QR-Code zur "
    "Innenstadt-Seite auf."
)


def seed_gates(demo) -> None:
    programme = demo.programmes.get(PROGRAMME_SLUG)
    lead = demo.users.get("lead")
    if programme is None or lead is None:
        return
    if not programme.transitions.exists() and programme.phase == Phase.EVALUATION:
        _move(programme, lead, E_TO_K, days_ago=120)
        programme.refresh_from_db()
        transition = _move(programme, lead, K_TO_T, days_ago=62, override=True)
        programme.refresh_from_db()
        demo.log(
            f"Gates: {programme.title} moved to {programme.get_phase_display()}"
            + (" (gate overridden)" if transition.overridden else "")
        )
    sign = Touchpoint.objects.filter(stage__programme=programme, name=STALE_SIGN).first()
    if sign is not None:
        subject = f"touchpoint:{sign.pk}"
        if not RiskAcknowledgement.objects.filter(programme=programme, subject=subject).exists():
            try:
                risk_acknowledge(
                    programme=programme,
                    rule="concept.stale_content",
                    subject=subject,
                    note=STALE_SIGN_NOTE,
                    user=lead,
                )
            except ValidationError:  # the sign was updated meanwhile: no warning to acknowledge
                return
            RiskAcknowledgement.objects.filter(programme=programme, subject=subject).update(
                acknowledged_at=timezone.now() - timedelta(days=14)
            )
            demo.log("Risk radar: one warning acknowledged with a note")


def _move(programme, lead, rationale: str, *, days_ago: int, override: bool = False) -> PhaseTransition:
    unmet = [r for r in programme_services.gate_evaluate(programme=programme) if not r.met]
    transition = programme_services.programme_transition(
        programme=programme, user=lead, rationale=rationale, override=override or bool(unmet)
    )
    PhaseTransition.objects.filter(pk=transition.pk).update(
        decided_at=timezone.now() - timedelta(days=days_ago)
    )
    return transition
