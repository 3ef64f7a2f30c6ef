"""Networks of PO verksamheter: member organisations, network roles, sharing by consent,
the network register and network faults (see docs/architecture.md, "Networks")."""
