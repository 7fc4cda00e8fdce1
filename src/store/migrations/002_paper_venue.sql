-- The runner's own durable state (src/runner/).
-- paper_venues: the simulated venue of a paper bot (collateral, positions, open orders, funding cumulatives,
-- next order ids, the venue's fill ledger totals) and the replay cursor, as one jsonb document. The runner
-- writes it in the same transaction as the journal, fills and verdicts of the cycle that produced it, so a
-- SIGKILL leaves the venue and the books consistent: both are as of the last committed cycle.
create table paper_venues (
  bot_id text primary key references bots (id) on delete cascade,
  state jsonb not null,
  data_ts timestamptz not null,
  updated_at timestamptz not null default now()
);

-- runner_bots: what the runner needs to rebuild a bot besides its objective: the full config it was created
-- from (name, markets, collateral, fees), the operator's switches (pause / reduce-only) and the deposit made.
create table runner_bots (
  bot_id text primary key references bots (id) on delete cascade,
  config jsonb not null,
  manual jsonb not null default '{"pause": false, "reduceOnly": false}'::jsonb,
  deposited numeric(38, 6) not null default 0,
  updated_at timestamptz not null default now()
);
