-- A victim entity whose online defamation/insult police reports, together with
-- the private prosecutions it brought (as plaintiff), involve >= $min_suspects
-- distinct linked suspects in some window of at most $window_days (cluster);
-- or who was under $minor_age at the time of any such report (minor_victim).
WITH report_events AS (
    SELECT
        vm.entity_id AS victim_id,
        'police_reports' AS source_table,
        r.report_id AS record_key,
        r.received_at AS event_date,
        r.region_code,
        r.victim_name,
        sm.entity_id AS suspect_id,
        -- Birth date from the row, else from digits 7-14 of a valid identity number.
        COALESCE(r.victim_birth_date, CASE WHEN r.victim_id_no_valid THEN TRY_CAST(
            substr(r.victim_id_no, 7, 4) || '-' || substr(r.victim_id_no, 11, 2) || '-' || substr(r.victim_id_no, 13, 2)
            AS DATE) END) AS birth_date
    FROM police_reports AS r
    JOIN mentions AS vm
        ON vm.table_name = 'police_reports' AND vm.record_key = r.report_id AND vm.role = 'victim'
    LEFT JOIN mentions AS sm
        ON sm.table_name = 'police_reports' AND sm.record_key = r.report_id AND sm.role = 'suspect'
    WHERE r.offense_type IN ('online_defamation', 'online_insult')
      AND r.received_at <= $as_of
),
court_events AS (
    -- Private prosecutions: the plaintiff is the victim, each defendant a suspect.
    SELECT
        pm.entity_id AS victim_id,
        'court_cases' AS source_table,
        c.case_no AS record_key,
        c.filed_at AS event_date,
        c.region_code,
        pl.name AS victim_name,
        dm.entity_id AS suspect_id,
        CASE WHEN pl.id_no_valid THEN TRY_CAST(
            substr(pl.id_no, 7, 4) || '-' || substr(pl.id_no, 11, 2) || '-' || substr(pl.id_no, 13, 2)
            AS DATE) END AS birth_date
    FROM court_cases AS c
    JOIN court_parties AS pl ON pl.case_no = c.case_no AND pl.role = 'plaintiff'
    JOIN mentions AS pm
        ON pm.table_name = 'court_parties' AND pm.record_key = pl.case_no || '|' || pl.party_key AND pm.role = 'party'
    LEFT JOIN court_parties AS df ON df.case_no = c.case_no AND df.role = 'defendant'
    LEFT JOIN mentions AS dm
        ON dm.table_name = 'court_parties' AND dm.record_key = df.case_no || '|' || df.party_key AND dm.role = 'party'
    WHERE c.case_type = 'private_prosecution'
      AND c.filed_at <= $as_of
),
events AS (
    SELECT * FROM report_events
    UNION ALL
    SELECT * FROM court_events
),
windows AS (
    -- Each event opens a window; w are the events inside it.
    SELECT s.victim_id, s.source_table AS start_table, s.record_key AS start_key, w.source_table, w.record_key,
           w.suspect_id
    FROM events AS s
    JOIN events AS w
        ON w.victim_id = s.victim_id
        AND date_diff('day', s.event_date, w.event_date) BETWEEN 0 AND $window_days
),
clusters AS (
    SELECT victim_id, start_table, start_key, COUNT(DISTINCT suspect_id) AS n_suspects
    FROM windows
    GROUP BY victim_id, start_table, start_key
    HAVING COUNT(DISTINCT suspect_id) >= $min_suspects
),
hits AS (
    SELECT DISTINCT w.victim_id, w.source_table, w.record_key, 'cluster' AS ground
    FROM windows AS w
    JOIN clusters AS c
        ON c.victim_id = w.victim_id AND c.start_table = w.start_table AND c.start_key = w.start_key
    UNION ALL
    SELECT DISTINCT e.victim_id, e.source_table, e.record_key, 'minor_victim' AS ground
    FROM events AS e
    WHERE e.source_table = 'police_reports'
      AND EXTRACT(YEAR FROM e.event_date) - EXTRACT(YEAR FROM e.birth_date)
            - CASE WHEN EXTRACT(MONTH FROM e.event_date) * 100 + EXTRACT(DAY FROM e.event_date)
                      < EXTRACT(MONTH FROM e.birth_date) * 100 + EXTRACT(DAY FROM e.birth_date)
                   THEN 1 ELSE 0 END < $minor_age
),
victims AS (
    SELECT
        h.victim_id,
        list_sort(array_agg(DISTINCT h.record_key) FILTER (WHERE h.source_table = 'police_reports')) AS report_ids,
        list_sort(array_agg(DISTINCT h.source_table || ':' || h.record_key)) AS refs,
        list_sort(array_agg(DISTINCT h.ground)) AS grounds,
        COUNT(DISTINCT h.record_key) FILTER (WHERE h.source_table = 'police_reports') AS report_count,
        COUNT(DISTINCT h.record_key) FILTER (WHERE h.source_table = 'court_cases') AS court_count
    FROM hits AS h
    GROUP BY h.victim_id
),
details AS (
    SELECT
        e.victim_id,
        MIN(e.victim_name) AS victim_name,
        MIN(e.region_code) AS region_code
    FROM events AS e
    JOIN hits AS h ON h.victim_id = e.victim_id AND h.record_key = e.record_key AND h.source_table = e.source_table
    GROUP BY e.victim_id
),
most_suspects AS (
    SELECT victim_id, MAX(n_suspects) AS max_suspects
    FROM clusters
    GROUP BY victim_id
)
SELECT
    v.report_ids AS anchor_keys,
    v.refs AS evidence,
    v.victim_id AS subject_entity_id,
    d.victim_name AS subject_name,
    d.region_code,
    LEAST(1.0, 0.5 + 0.2 * array_length(v.grounds) + 0.05 * COALESCE(m.max_suspects, 0)) AS score,
    v.grounds,
    v.report_count,
    v.court_count,
    COALESCE(m.max_suspects, 0) AS max_suspects
FROM victims AS v
JOIN details AS d ON d.victim_id = v.victim_id
LEFT JOIN most_suspects AS m ON m.victim_id = v.victim_id
WHERE v.report_count > 0
