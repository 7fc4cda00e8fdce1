-- The spread bot's health (HEALTHY / DEGRADED / EMERGENCY with its reason), written whenever its status changes.
-- EMERGENCY must survive a restart: a bot that closed everything in an emergency stays flat until an operator
-- resets it (API POST /api/bots/:id/reset-health, `zero-perps bot reset-health`, the dashboard button).
alter table runner_bots add column health jsonb;
