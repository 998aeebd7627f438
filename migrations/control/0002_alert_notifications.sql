-- Operator e-mail alerts (src/alerts.rs): every notice the appliance tried to send,
-- kept as the audit trail of who was told what, when, and whether it went out.
CREATE TABLE alert_notifications (
    id         INTEGER PRIMARY KEY,
    condition  TEXT NOT NULL,
    state      TEXT NOT NULL CHECK (state IN ('firing', 'resolved')),
    detail     TEXT NOT NULL,
    recipients TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    at         TEXT NOT NULL
);
CREATE INDEX alert_notifications_at ON alert_notifications (at);
