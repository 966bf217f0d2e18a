"""Decision records: every recommendation kept with its profile, result and catalog version."""
