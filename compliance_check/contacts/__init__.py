"""Contact logs: records (validation), zones, one module per contact rule kind
(hours, frequency, cooldown, cease, opt_out), the audit stream and next-contact."""
