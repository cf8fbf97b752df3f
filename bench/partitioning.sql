-- Time partitioning of demands and events, tried on a scratch copy of Lianxin's schema (docs/scaling.md).
-- Run by bench/partitioning.sh on a throw-away cluster after `manage.py migrate`; each step says what it shows.
-- Statements expected to fail are marked "refused"; the run goes on past them.
\set ON_ERROR_STOP off
\pset pager off

\echo '== 0. data: one county, one town, one category; 240,000 demands over 23 months and 720,000 events (plain SQL)'
INSERT INTO core_county (id, code, name) VALUES (1, 'C1', '试验县');
INSERT INTO core_town (id, code, name, centre_lat, centre_lng, county_id, tracking_prefix)
VALUES (1, 'T1', '试验镇', 34.5, 109.0, 1, 'T1'), (2, 'T2', '第二镇', 34.6, 109.1, 1, 'T2');
INSERT INTO demands_category (id, domain, name, keywords, emergency_hours, general_days, complex_days, active, town_id, name_en)
VALUES (1, 'public', '路灯', '', 4, 5, 15, true, 1, 'Lights'), (2, 'public', '路灯', '', 4, 5, 15, true, 2, 'Lights');
INSERT INTO demands_demand (code, status, channel, urgency, title, description, address, requester_name, requester_phone,
    requester_phone_hash, requester_id_number, outcome, closing_note, created_at, category_id, town_id, intake_key,
    tracking_pin_hash)
SELECT 'D' || g, 'recorded', 'station', 'general', '路灯不亮', '村口路灯坏了', '', '', '', '', '', '', '',
       timestamptz '2025-01-01' + (g % 700) * interval '1 day' + (g % 86400) * interval '1 second',
       1 + g % 2, 1 + g % 2, '', ''
FROM generate_series(1, 240000) g;
INSERT INTO demands_demandevent (action, from_status, to_status, note, at, demand_id, town_id)
SELECT 'record', '', 'recorded', '', d.created_at + k * interval '1 hour', d.id, d.town_id
FROM demands_demand d, generate_series(0, 2) k;
ANALYZE demands_demand, demands_demandevent;

\echo '== 1. a partitioned copy of demands_demand keyed on id alone: refused (the key must hold created_at)'
CREATE TABLE demand_p (LIKE demands_demand INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)
    PARTITION BY RANGE (created_at);
ALTER TABLE demand_p ADD PRIMARY KEY (id);
\echo '   the same with (id, created_at): accepted'
ALTER TABLE demand_p ADD PRIMARY KEY (id, created_at);

\echo '== 2. the tracking code unique across the table: refused; unique per (code, created_at): accepted, but weaker'
ALTER TABLE demand_p ADD CONSTRAINT demand_p_code_key UNIQUE (code);
ALTER TABLE demand_p ADD CONSTRAINT demand_p_code_key UNIQUE (code, created_at);
\echo '   the intake key (town_id, intake_key) unique: refused the same way'
CREATE UNIQUE INDEX demand_p_intake_once ON demand_p (town_id, intake_key) WHERE intake_key <> '';

\echo '== 3. foreign keys out of a partitioned table (to core_town, demands_category): accepted'
ALTER TABLE demand_p ADD FOREIGN KEY (town_id) REFERENCES core_town (id) DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE demand_p ADD FOREIGN KEY (category_id) REFERENCES demands_category (id) DEFERRABLE INITIALLY DEFERRED;

\echo '== 4. a row trigger (like integrity.py''s same-town checks) on the partitioned table: accepted (PostgreSQL 13+)'
CREATE TRIGGER demand_p_same_town BEFORE INSERT OR UPDATE ON demand_p
    FOR EACH ROW EXECUTE FUNCTION lx_same_town_demands_demand_category();

\echo '== 5. events partitioned by their time, pointing at a partitioned demand'
CREATE TABLE event_p (LIKE demands_demandevent INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY)
    PARTITION BY RANGE (at);
ALTER TABLE event_p ADD PRIMARY KEY (id, at);
\echo '   FOREIGN KEY (demand_id) REFERENCES demand_p (id): refused (no unique constraint on id alone)'
ALTER TABLE event_p ADD FOREIGN KEY (demand_id) REFERENCES demand_p (id);
\echo '   with the demand''s created_at copied onto each event: accepted'
ALTER TABLE event_p ADD COLUMN demand_created_at timestamptz;
ALTER TABLE event_p ADD FOREIGN KEY (demand_id, demand_created_at) REFERENCES demand_p (id, created_at);

\echo '== 6. pg_partman 4.7 (Debian postgresql-15-partman): monthly partitions from 2025-01, 3 made ahead, a default'
CREATE SCHEMA partman;
CREATE EXTENSION pg_partman SCHEMA partman;
SELECT partman.create_parent('public.demand_p', 'created_at', 'native', 'monthly',
                             p_premake := 3, p_start_partition := '2025-01-01');
SELECT partman.create_parent('public.event_p', 'at', 'native', 'monthly',
                             p_premake := 3, p_start_partition := '2025-01-01');
SELECT count(*) AS demand_partitions FROM partman.show_partitions('public.demand_p');
SELECT partition_tablename FROM partman.show_partitions('public.demand_p') ORDER BY 1 DESC LIMIT 2;

\echo '== 7. moving the rows in (what a migration would do, in one transaction per table)'
\timing on
INSERT INTO demand_p SELECT * FROM demands_demand;
INSERT INTO event_p (id, action, from_status, to_status, note, at, actor_id, demand_id, town_id, demand_created_at)
SELECT e.id, e.action, e.from_status, e.to_status, e.note, e.at, e.actor_id, e.demand_id, e.town_id, d.created_at
FROM demands_demandevent e JOIN demands_demand d ON d.id = e.demand_id;
\timing off
CREATE INDEX ON demand_p (town_id, status);
CREATE INDEX ON demand_p (town_id, created_at);
CREATE INDEX ON event_p (demand_id);
ANALYZE demand_p, event_p;
SELECT count(*) AS rows_left_in_default FROM demand_p_default;

\echo '== 8. partition pruning: a town''s month reads one partition; a list by status alone reads all of them'
EXPLAIN (COSTS OFF) SELECT count(*) FROM demand_p
    WHERE town_id = 1 AND created_at >= '2026-10-01' AND created_at < '2026-11-01';
EXPLAIN (COSTS OFF) SELECT id FROM demand_p WHERE town_id = 1 AND status = 'recorded' ORDER BY created_at DESC LIMIT 25;
\echo '   a demand by its id alone (every partition is probed, one index each)'
EXPLAIN (COSTS OFF) SELECT * FROM demand_p WHERE id = 1234;
\echo '   a demand''s timeline with the demand''s created_at known (one partition of events)'
EXPLAIN (COSTS OFF) SELECT * FROM event_p
    WHERE demand_id = 1234 AND demand_created_at = '2025-03-10' AND at >= '2025-03-10';

\echo '== 9. pg_partman retention (18 months, detached tables kept): events first, then demands'
\echo '   events detach; demands are refused: the detached event tables keep their foreign key to demand_p'
UPDATE partman.part_config SET retention = '18 months', retention_keep_table = true
    WHERE parent_table IN ('public.demand_p', 'public.event_p');
SELECT partman.run_maintenance('public.event_p');
SELECT partman.run_maintenance('public.demand_p');
SELECT count(*) AS demand_partitions_after_retention FROM partman.show_partitions('public.demand_p');
SELECT count(*) AS event_partitions_after_retention FROM partman.show_partitions('public.event_p');
SELECT count(*) AS demands_still_reachable FROM demand_p;
\echo '   a timeline read with both bounds of the time window prunes to those months'
EXPLAIN (COSTS OFF) SELECT * FROM event_p WHERE demand_id = 1234 AND at >= '2025-07-10' AND at < '2025-08-10';
