-- A personal-information case (one lead per case number) with a row at a
-- listed stage meeting the records or victims threshold (inclusive), where no
-- row of the case has civil_pil_filed = true.
WITH qualifying AS (
    SELECT c.*
    FROM criminal_cases AS c
    WHERE c.charge = 'personal_info_infringement'
      AND c.stage IN $stages
      AND (COALESCE(c.records_count, 0) >= $min_records OR COALESCE(c.victims_count, 0) >= $min_victims)
),
cases AS (
    SELECT
        a.case_no,
        MIN(a.region_code) AS region_code,
        MAX(a.records_count) AS records_count,
        MAX(a.victims_count) AS victims_count,
        COUNT(*) AS suspect_count,
        BOOL_OR(COALESCE(a.civil_pil_filed, FALSE)) AS pil_filed,
        list_sort(array_agg(a.case_no || '|' || a.suspect_key)) AS record_keys,
        MIN(a.suspect_key) AS first_suspect_key
    FROM criminal_cases AS a
    WHERE a.case_no IN (SELECT q.case_no FROM qualifying AS q)
    GROUP BY a.case_no
),
stages AS (
    -- The most advanced listed stage the case has reached.
    SELECT
        q.case_no,
        MAX(CASE q.stage WHEN 'judged' THEN 3 WHEN 'prosecuted' THEN 2 ELSE 1 END) AS stage_rank
    FROM qualifying AS q
    GROUP BY q.case_no
)
SELECT
    [c.case_no] AS anchor_keys,
    list_transform(c.record_keys, k -> 'criminal_cases:' || k) AS evidence,
    sm.entity_id AS subject_entity_id,
    s.suspect_name AS subject_name,
    COALESCE(sm.kind, CASE WHEN s.suspect_uscc IS NOT NULL THEN 'org' ELSE 'person' END) AS subject_kind,
    c.region_code,
    LEAST(1.0, 0.6 + 0.1 * GREATEST(
        CAST(COALESCE(c.records_count, 0) AS DOUBLE) / $min_records,
        CAST(COALESCE(c.victims_count, 0) AS DOUBLE) / $min_victims
    )) AS score,
    c.case_no,
    c.records_count,
    c.victims_count,
    c.suspect_count,
    CASE st.stage_rank WHEN 3 THEN 'judged' WHEN 2 THEN 'prosecuted' ELSE 'prosecution_review' END AS stage,
    CASE st.stage_rank WHEN 3 THEN '已判决' WHEN 2 THEN '已起诉' ELSE '审查起诉' END AS stage_label_zh
FROM cases AS c
JOIN stages AS st ON st.case_no = c.case_no
JOIN criminal_cases AS s ON s.case_no = c.case_no AND s.suspect_key = c.first_suspect_key
LEFT JOIN mentions AS sm
    ON sm.table_name = 'criminal_cases' AND sm.record_key = c.case_no || '|' || c.first_suspect_key
    AND sm.role = 'suspect'
WHERE NOT c.pil_filed
