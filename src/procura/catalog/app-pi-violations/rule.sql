-- App operators (resolved entities) with, in some window of $window_days:
--   (spread)   >= $min_reports reports of $issue_types from >= $min_regions regions, or
--   (minors)   >= $min_minor_reports minors_info reports;
-- or (criminal_platform) any report while being the platform of a
-- personal_info_infringement criminal case. Windows may end on any day.
-- The lead's office is the lowest level covering every complaint region;
-- reports from several provinces go to the operator's provincial office.
WITH reports AS (
    SELECT
        r.report_id,
        r.app_name,
        COALESCE(r.operator_name, r.app_name) AS operator_label,
        r.operator_region_code,
        r.region_code,
        r.reported_at,
        r.issue_type,
        m.entity_id AS operator_id
    FROM app_reports AS r
    JOIN mentions AS m
        ON m.table_name = 'app_reports' AND m.record_key = r.report_id AND m.role = 'operator'
    WHERE r.reported_at <= $as_of
),
pi_windows AS (
    -- Each personal-information report opens a window; w are the reports inside it.
    SELECT s.operator_id, s.report_id AS window_start, w.report_id, w.region_code
    FROM reports AS s
    JOIN reports AS w
        ON w.operator_id = s.operator_id
        AND date_diff('day', s.reported_at, w.reported_at) BETWEEN 0 AND $window_days
    WHERE s.issue_type IN $issue_types
      AND w.issue_type IN $issue_types
),
spread_windows AS (
    SELECT operator_id, window_start, COUNT(*) AS n_reports, COUNT(DISTINCT region_code) AS n_regions
    FROM pi_windows
    GROUP BY operator_id, window_start
    HAVING COUNT(*) >= $min_reports AND COUNT(DISTINCT region_code) >= $min_regions
),
minor_windows AS (
    SELECT s.operator_id, s.report_id AS window_start, w.report_id
    FROM reports AS s
    JOIN reports AS w
        ON w.operator_id = s.operator_id
        AND date_diff('day', s.reported_at, w.reported_at) BETWEEN 0 AND $window_days
    WHERE s.issue_type = 'minors_info'
      AND w.issue_type = 'minors_info'
),
minor_hits AS (
    SELECT operator_id, window_start, COUNT(*) AS n_reports
    FROM minor_windows
    GROUP BY operator_id, window_start
    HAVING COUNT(*) >= $min_minor_reports
),
criminal_platforms AS (
    SELECT m.entity_id AS operator_id, c.case_no || '|' || c.suspect_key AS record_key, c.case_no
    FROM criminal_cases AS c
    JOIN mentions AS m
        ON m.table_name = 'criminal_cases' AND m.record_key = c.case_no || '|' || c.suspect_key
        AND m.role = 'platform'
    WHERE c.charge = 'personal_info_infringement'
),
hits AS (
    SELECT w.operator_id, w.report_id, 'spread' AS ground
    FROM pi_windows AS w
    JOIN spread_windows AS s ON s.operator_id = w.operator_id AND s.window_start = w.window_start
    UNION ALL
    SELECT w.operator_id, w.report_id, 'minors' AS ground
    FROM minor_windows AS w
    JOIN minor_hits AS h ON h.operator_id = w.operator_id AND h.window_start = w.window_start
    UNION ALL
    SELECT r.operator_id, r.report_id, 'criminal_platform' AS ground
    FROM reports AS r
    WHERE r.operator_id IN (SELECT p.operator_id FROM criminal_platforms AS p)
),
operators AS (
    SELECT
        h.operator_id,
        list_sort(array_agg(DISTINCT h.report_id)) AS report_ids,
        list_sort(array_agg(DISTINCT h.ground)) AS grounds,
        list_sort(array_agg(DISTINCT r.app_name)) AS apps,
        MIN(r.operator_label) AS operator_label,
        MIN(r.operator_region_code) AS operator_region_code,
        COUNT(DISTINCT r.region_code) AS region_count,
        COUNT(DISTINCT substr(r.region_code, 1, 4)) AS city_count,
        COUNT(DISTINCT substr(r.region_code, 1, 2)) AS province_count,
        MIN(r.region_code) AS first_region
    FROM hits AS h
    JOIN reports AS r ON r.report_id = h.report_id
    GROUP BY h.operator_id
),
province_share AS (
    -- The province with most reports (ties: lowest code), for operators of unknown seat.
    SELECT operator_id, province
    FROM (
        SELECT
            h.operator_id,
            substr(r.region_code, 1, 2) AS province,
            ROW_NUMBER() OVER (
                PARTITION BY h.operator_id ORDER BY COUNT(DISTINCT r.report_id) DESC, substr(r.region_code, 1, 2)
            ) AS rank_in_operator
        FROM hits AS h
        JOIN reports AS r ON r.report_id = h.report_id
        GROUP BY h.operator_id, substr(r.region_code, 1, 2)
    ) AS ranked
    WHERE rank_in_operator = 1
),
jurisdiction AS (
    SELECT
        o.*,
        CASE
            WHEN o.region_count = 1 THEN o.first_region
            WHEN o.city_count = 1 THEN substr(o.first_region, 1, 4) || '00'
            WHEN o.province_count = 1 THEN substr(o.first_region, 1, 2) || '0000'
            ELSE COALESCE(substr(o.operator_region_code, 1, 2), p.province) || '0000'
        END AS office_region,
        CASE
            WHEN o.region_count = 1 THEN 'county'
            WHEN o.city_count = 1 THEN 'city'
            ELSE 'province'
        END AS office_level
    FROM operators AS o
    JOIN province_share AS p ON p.operator_id = o.operator_id
),
counts AS (
    SELECT
        o.operator_id,
        MAX(s.n_reports) AS spread_reports,
        MAX(s.n_regions) AS spread_regions,
        MAX(h.n_reports) AS minor_reports
    FROM operators AS o
    LEFT JOIN spread_windows AS s ON s.operator_id = o.operator_id
    LEFT JOIN minor_hits AS h ON h.operator_id = o.operator_id
    GROUP BY o.operator_id
),
cases AS (
    SELECT
        p.operator_id,
        list_sort(array_agg(DISTINCT p.record_key)) AS case_keys,
        list_sort(array_agg(DISTINCT p.case_no)) AS case_nos
    FROM criminal_platforms AS p
    GROUP BY p.operator_id
)
SELECT
    j.report_ids AS anchor_keys,
    CASE WHEN c.case_keys IS NULL THEN list_transform(j.report_ids, k -> 'app_reports:' || k)
        ELSE list_concat(
            list_transform(j.report_ids, k -> 'app_reports:' || k),
            list_transform(c.case_keys, k -> 'criminal_cases:' || k))
    END AS evidence,
    j.operator_id AS subject_entity_id,
    j.operator_label AS subject_name,
    j.office_region AS region_code,
    j.office_region || '-' || j.office_level AS office,
    j.office_level,
    CASE j.office_level WHEN 'county' THEN '区县级人民检察院' WHEN 'city' THEN '市级人民检察院'
        ELSE '省级人民检察院' END AS office_label_zh,
    LEAST(1.0, 0.5 + 0.15 * array_length(j.grounds) + 0.02 * array_length(j.report_ids)) AS score,
    j.grounds,
    j.apps,
    j.operator_region_code,
    j.region_count,
    j.province_count,
    COALESCE(n.spread_reports, 0) AS spread_reports,
    COALESCE(n.spread_regions, 0) AS spread_regions,
    COALESCE(n.minor_reports, 0) AS minor_reports,
    c.case_nos AS criminal_cases
FROM jurisdiction AS j
JOIN counts AS n ON n.operator_id = j.operator_id
LEFT JOIN cases AS c ON c.operator_id = j.operator_id
