-- zero-perps store, version 1. Runs unchanged on PGlite and PostgreSQL (15+).
-- Money and sizes are numeric in natural units with the Drift precision as scale:
--   base numeric(38,9) (BASE 1e9), price numeric(38,6) (PRICE 1e6), quote/USDC numeric(38,6) (QUOTE 1e6),
--   funding rate numeric(38,9) (FUNDING_RATE 1e9). Times are timestamptz.

create table bots (
  id text primary key default gen_random_uuid()::text,
  name text not null unique,
  strategy text not null,
  -- market symbols, e.g. ["SOL-PERP"] or ["DRIFT-PERP","KMNO-PERP"]
  markets jsonb not null default '[]'::jsonb check (jsonb_typeof(markets) = 'array'),
  mode text not null check (mode in ('backtest', 'paper', 'live')),
  status text not null default 'stopped'
    check (status in ('stopped', 'starting', 'running', 'paused', 'stopping', 'error', 'archived')),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

-- The Drift account a bot trades: its authority's PUBLIC key and the subaccount id. Never a secret: the check
-- accepts only base58 text of public-key length (32 bytes encode to 32..44 characters); a 64-byte secret key
-- (87..88 characters), a JSON byte array, hex or a seed phrase all fail it.
create table perps_accounts (
  bot_id text primary key references bots (id) on delete cascade,
  authority text not null
    constraint perps_accounts_authority_is_public_key check (authority ~ '^[1-9A-HJ-NP-Za-km-z]{32,44}$'),
  subaccount_id integer not null check (subaccount_id between 0 and 65535),
  created_at timestamptz not null default now(),
  unique (authority, subaccount_id)
);

-- Position snapshots (Drift PerpPosition fields); the latest row per market is the last known position.
create table perps_positions (
  bot_id text not null references bots (id) on delete cascade,
  ts timestamptz not null,
  market_index integer not null,
  base numeric(38, 9) not null,
  quote_entry numeric(38, 6) not null,
  quote_asset numeric(38, 6) not null,
  last_cumulative_funding_rate numeric(38, 9) not null,
  primary key (bot_id, market_index, ts)
);
create index perps_positions_ts on perps_positions (ts);

create table perps_margin_snapshots (
  bot_id text not null references bots (id) on delete cascade,
  ts timestamptz not null,
  collateral numeric(38, 6) not null,
  total_collateral numeric(38, 6) not null,
  free_collateral numeric(38, 6) not null,
  initial_margin_requirement numeric(38, 6) not null,
  maintenance_margin_requirement numeric(38, 6) not null,
  -- display figures, floats in the domain too
  leverage double precision not null,
  health double precision not null,
  primary key (bot_id, ts)
);
create index perps_margin_snapshots_ts on perps_margin_snapshots (ts);

-- Funding as the venue settled it (truth) next to the continuously accrued estimate, both cumulative QUOTE
-- from the trader's side (negative = paid), and their difference.
create table perps_funding_snapshots (
  bot_id text not null references bots (id) on delete cascade,
  ts timestamptz not null,
  market_index integer not null,
  settled numeric(38, 6) not null,
  estimated numeric(38, 6) not null,
  difference numeric(38, 6) generated always as (settled - estimated) stored,
  primary key (bot_id, market_index, ts)
);
create index perps_funding_snapshots_ts on perps_funding_snapshots (ts);

-- A bot's objective: strategy params, execution policy, risk limits. A change inserts a new version; the
-- highest version is current. Old versions stay so a session can be replayed with what it ran.
create table perps_objectives (
  bot_id text not null references bots (id) on delete cascade,
  version integer not null check (version > 0),
  strategy text not null,
  params jsonb not null,
  execution_policy jsonb not null,
  risk_limits jsonb not null,
  note text,
  created_at timestamptz not null default now(),
  primary key (bot_id, version)
);

-- Orders as the venue last reported them (venue order id per bot's subaccount).
create table orders (
  bot_id text not null references bots (id) on delete cascade,
  order_id bigint not null,
  market_index integer not null,
  user_order_id integer not null default 0,
  side text not null check (side in ('buy', 'sell')),
  order_type text not null check (order_type in ('limit', 'market')),
  base numeric(38, 9) not null check (base >= 0),
  price numeric(38, 6) not null,
  filled_base numeric(38, 9) not null default 0 check (filled_base >= 0),
  reduce_only boolean not null default false,
  post_only text not null default 'none' check (post_only in ('none', 'must', 'try', 'slide')),
  ioc boolean not null default false,
  max_ts timestamptz,
  status text not null check (status in ('open', 'filled', 'cancelled', 'expired')),
  placed_at timestamptz not null,
  updated_at timestamptz not null default now(),
  primary key (bot_id, order_id)
);
create index orders_open on orders (bot_id) where status = 'open';

-- One row per venue fill: venue_fill_id is the venue's own identity of the fill (Drift: the fill record's id),
-- so a replayed or re-delivered event is not booked twice.
create table fills (
  bot_id text not null references bots (id) on delete cascade,
  venue_fill_id text not null,
  ts timestamptz not null,
  market_index integer not null,
  order_id bigint not null,
  user_order_id integer not null default 0,
  side text not null check (side in ('buy', 'sell')),
  price numeric(38, 6) not null,
  base numeric(38, 9) not null check (base > 0),
  quote numeric(38, 6) not null,
  fee numeric(38, 6) not null,
  maker boolean not null,
  reduce_only boolean not null default false,
  recorded_at timestamptz not null default now(),
  primary key (bot_id, venue_fill_id)
);
create index fills_bot_ts on fills (bot_id, ts);

create table risk_verdicts (
  id bigint generated always as identity primary key,
  bot_id text not null references bots (id) on delete cascade,
  ts timestamptz not null,
  market_index integer not null,
  kind text not null check (kind in ('APPROVE', 'CLAMP', 'REDUCE_ONLY', 'PAUSE')),
  band jsonb not null,
  reasons jsonb not null check (jsonb_typeof(reasons) = 'array')
);
create index risk_verdicts_bot_ts on risk_verdicts (bot_id, ts);
create index risk_verdicts_ts on risk_verdicts (ts);

create table bot_events (
  id bigint generated always as identity primary key,
  bot_id text not null references bots (id) on delete cascade,
  ts timestamptz not null default now(),
  level text not null check (level in ('debug', 'info', 'warn', 'error')),
  kind text not null,
  message text not null,
  data jsonb not null default '{}'::jsonb
);
create index bot_events_bot_ts on bot_events (bot_id, ts);
create index bot_events_ts on bot_events (ts);

-- The journal: every order command, venue event and verdict of a paper or live bot, in order, so a session can
-- be replayed. seq is per bot, gapless and increasing; journal_heads holds the last one handed out, so pruning
-- old rows never makes a seq come back.
create table journal_heads (
  bot_id text primary key references bots (id) on delete cascade,
  last_seq bigint not null check (last_seq >= 0)
);

create table journal (
  bot_id text not null references bots (id) on delete cascade,
  seq bigint not null check (seq > 0),
  ts timestamptz not null,
  kind text not null check (kind ~ '^[a-z][a-z_]*$'),
  payload jsonb not null,
  recorded_at timestamptz not null default now(),
  primary key (bot_id, seq)
);
create index journal_ts on journal (ts);

-- Append-only: rows may be pruned (deleted) but never rewritten.
create function journal_is_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'journal rows are append-only (bot %, seq %)', old.bot_id, old.seq;
end;
$$;
create trigger journal_no_update before update on journal
  for each row execute function journal_is_append_only();

-- One runner drives a bot at a time. epoch grows with every change of holder (a fencing token).
create table leases (
  bot_id text primary key references bots (id) on delete cascade,
  owner text not null,
  epoch bigint not null default 1,
  acquired_at timestamptz not null,
  renewed_at timestamptz not null,
  expires_at timestamptz not null
);
