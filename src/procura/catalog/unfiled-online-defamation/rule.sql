-- A police report of online defamation/insult that reached the "serious"
-- threshold (views or reposts, inclusive) and is still not filed at least
-- $decision_days after it was received. An empty `filed` counts as not filed.
WITH pending AS (
    SELECT
        r.report_id,
        r.region_code,
        r.received_at,
        r.offense_type,
        r.victim_name,
        COALESCE(r.views_count, 0) AS views_count,
        COALESCE(r.reposts_count, 0) AS reposts_count,
        date_diff('day', r.received_at, $as_of) AS days_pending
    FROM police_reports AS r
    WHERE r.offense_type IN ('online_defamation', 'online_insult')
      AND NOT COALESCE(r.filed, FALSE)
      AND date_diff('day', r.received_at, $as_of) >= $decision_days
      AND (COALESCE(r.views_count, 0) >= $min_views OR COALESCE(r.reposts_count, 0) >= $min_reposts)
)
SELECT
    [p.report_id] AS anchor_keys,
    ['police_reports:' || p.report_id] AS evidence,
    v.entity_id AS subject_entity_id,
    p.victim_name AS subject_name,
    p.region_code,
    -- Severity grows with how far the spread exceeds the threshold (x10 saturates).
    LEAST(1.0, 0.5 + 0.05 * GREATEST(
        CAST(p.views_count AS DOUBLE) / $min_views,
        CAST(p.reposts_count AS DOUBLE) / $min_reposts
    )) AS score,
    p.report_id,
    p.received_at,
    p.offense_type,
    CASE p.offense_type WHEN 'online_insult' THEN '网络侮辱' ELSE '网络诽谤' END AS offense_label_zh,
    CASE p.offense_type WHEN 'online_insult' THEN 'online insult' ELSE 'online defamation' END AS offense_label_en,
    p.views_count,
    p.reposts_count,
    p.days_pending
FROM pending AS p
LEFT JOIN mentions AS v
    ON v.table_name = 'police_reports' AND v.record_key = p.report_id AND v.role = 'victim'
