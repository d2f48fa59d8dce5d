-- One database per service: each service owns its data and nothing else.
CREATE DATABASE vigil_triage;
CREATE DATABASE vigil_escalation;
CREATE DATABASE vigil_metrics;
