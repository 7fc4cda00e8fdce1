-- An order the table still showed open but the venue no longer had when a runner restarted: it ended while no
-- runner was watching (filled, cancelled or expired; a restart cannot tell which without the venue's order
-- history). 'vanished' says exactly that instead of guessing. The position read from the venue is the truth.
alter table orders drop constraint orders_status_check;
alter table orders add constraint orders_status_check
  check (status in ('open', 'filled', 'cancelled', 'expired', 'vanished'));
