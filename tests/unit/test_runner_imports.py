"""A distributed process loads only the service it runs; the embedded mode all four."""

import subprocess
import sys

import pytest

SERVICES = ("intake", "triage", "escalation", "metrics")

LOADED = (
    "import sys; {load}; "
    "print(' '.join(sorted({{m.split('.')[1] for m in sys.modules if m.startswith('services.')}})))"
)


def loaded_services(load: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", LOADED.format(load=load)],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(result.stdout.split()) - {"runner"}


@pytest.mark.parametrize("service", SERVICES)
def test_a_service_imports_none_of_the_others(service: str) -> None:
    assert loaded_services(f"import services.{service}.main") == {service}
    assert loaded_services(
        f"import services.runner as runner; runner.app_factory('{service}')"
    ) == {service}


def test_the_embedded_mode_loads_all_four() -> None:
    load = "import services.runner as runner; [runner.app_factory(s) for s in runner.SERVICES]"
    assert loaded_services(load) == set(SERVICES)
