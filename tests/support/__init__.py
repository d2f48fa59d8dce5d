"""Test support every tier imports (unit, integration, e2e, deploy): config constants and
helpers, the one polling helper, event and payload builders, in-process apps, the process
harness. Tiers never import each other; what two tiers share lives here."""
