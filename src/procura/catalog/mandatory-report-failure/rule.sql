-- A medical visit showing signs of sexual harm to a minor, with no police
-- report naming the same child (linked entity) as victim received between
-- $lookback_days before and $grace_days after the visit (inclusive). A report
-- victim attached by name alone (rule sole_candidate) is a guess and covers
-- nothing (ADR 0008).
WITH code_items AS (
    -- One row per listed code; "A50-A64" style items are ranges of 3-character categories.
    SELECT 'genital_injury' AS indicator, UNNEST($genital_injury_codes) AS item
    UNION ALL
    SELECT 'pregnancy_sti' AS indicator, UNNEST($pregnancy_sti_codes) AS item
),
codes AS (
    SELECT
        indicator,
        UPPER(TRIM(item)) AS item,
        CASE WHEN item LIKE '%-%' THEN UPPER(TRIM(split_part(item, '-', 1))) END AS range_from,
        CASE WHEN item LIKE '%-%' THEN UPPER(TRIM(split_part(item, '-', 2))) END AS range_to
    FROM code_items
),
visits AS (
    SELECT
        v.visit_id,
        v.hospital_uscc,
        v.hospital_name,
        v.region_code,
        v.patient_name,
        v.visit_date,
        UPPER(TRIM(v.icd10)) AS icd10,
        -- Sex from the row, else from digit 17 of a valid identity number (odd = male).
        COALESCE(v.patient_sex, CASE WHEN v.patient_id_no_valid THEN
            CASE WHEN TRY_CAST(substr(v.patient_id_no, 17, 1) AS INTEGER) % 2 = 0 THEN 'F' ELSE 'M' END
        END) AS patient_sex,
        -- Birth date from the row, else from digits 7-14 of a valid identity number.
        COALESCE(v.patient_birth_date, CASE WHEN v.patient_id_no_valid THEN TRY_CAST(
            substr(v.patient_id_no, 7, 4) || '-' || substr(v.patient_id_no, 11, 2) || '-' || substr(v.patient_id_no, 13, 2)
            AS DATE) END) AS birth_date
    FROM medical_visits AS v
    WHERE v.visit_date <= $as_of
),
aged AS (
    -- Completed years at the visit: the birthday itself counts as the new year.
    SELECT
        visits.*,
        EXTRACT(YEAR FROM visit_date) - EXTRACT(YEAR FROM birth_date)
            - CASE WHEN EXTRACT(MONTH FROM visit_date) * 100 + EXTRACT(DAY FROM visit_date)
                      < EXTRACT(MONTH FROM birth_date) * 100 + EXTRACT(DAY FROM birth_date)
                   THEN 1 ELSE 0 END AS patient_age
    FROM visits
    WHERE birth_date IS NOT NULL
),
indicated AS (
    SELECT
        a.visit_id,
        MAX(c.indicator) AS indicator  -- pregnancy_sti outranks genital_injury
    FROM aged AS a
    JOIN codes AS c
        ON (c.range_from IS NOT NULL AND substr(a.icd10, 1, 3) BETWEEN c.range_from AND c.range_to)
        OR (c.range_from IS NULL AND (a.icd10 = c.item OR a.icd10 LIKE c.item || '%'))
    WHERE (c.indicator = 'genital_injury' AND a.patient_age < $minor_age)
       OR (c.indicator = 'pregnancy_sti' AND a.patient_sex = 'F' AND a.patient_age < $young_girl_age)
    GROUP BY a.visit_id
),
reported AS (
    -- Visits whose patient is the victim of a police report in the window. Written as a
    -- join rather than a correlated NOT EXISTS: Spark plans a range-correlated
    -- NOT EXISTS by recomputing the whole outer query as its domain (ADR 0121).
    SELECT DISTINCT pm.record_key AS visit_id
    FROM aged AS a
    JOIN mentions AS pm
        ON pm.table_name = 'medical_visits' AND pm.record_key = a.visit_id AND pm.role = 'patient'
    JOIN mentions AS vm
        ON vm.entity_id = pm.entity_id AND vm.table_name = 'police_reports' AND vm.role = 'victim'
        AND COALESCE(vm.rule, '') <> 'sole_candidate'
    JOIN police_reports AS r ON r.report_id = vm.record_key
    WHERE date_diff('day', a.visit_date, r.received_at) BETWEEN -$lookback_days AND $grace_days
),
unreported AS (
    SELECT a.*, i.indicator, pm.entity_id AS patient_entity_id
    FROM aged AS a
    JOIN indicated AS i ON i.visit_id = a.visit_id
    LEFT JOIN mentions AS pm
        ON pm.table_name = 'medical_visits' AND pm.record_key = a.visit_id AND pm.role = 'patient'
    LEFT JOIN reported AS rp ON rp.visit_id = a.visit_id
    WHERE rp.visit_id IS NULL
)
SELECT
    [u.visit_id] AS anchor_keys,
    ['medical_visits:' || u.visit_id] AS evidence,
    u.patient_entity_id AS subject_entity_id,
    u.patient_name AS subject_name,
    u.region_code,
    -- Pregnancy/STI of a young girl is the gravest sign; younger patients weigh more.
    LEAST(1.0, CASE WHEN u.indicator = 'pregnancy_sti' THEN 0.85 ELSE 0.7 END
        + 0.15 * CAST($minor_age - u.patient_age AS DOUBLE) / $minor_age) AS score,
    COALESCE(u.hospital_name, u.hospital_uscc) || '的主管卫生健康行政部门 (health authority supervising '
        || COALESCE(u.hospital_name, u.hospital_uscc) || ')' AS target,
    u.visit_id,
    u.visit_date,
    u.icd10,
    u.patient_sex,
    u.patient_age,
    u.indicator,
    CASE u.indicator WHEN 'pregnancy_sti' THEN '不满' || CAST($young_girl_age AS VARCHAR) || '周岁女童妊娠、流产或性传播疾病'
        ELSE '未成年人生殖器官损伤或性侵害迹象' END AS indicator_zh,
    CASE u.indicator WHEN 'pregnancy_sti' THEN 'pregnancy or a sexually transmitted infection of a girl under '
        || CAST($young_girl_age AS VARCHAR) ELSE 'a genital injury or sign of sexual abuse of a minor' END AS indicator_en,
    u.hospital_uscc,
    u.hospital_name,
    hm.entity_id AS hospital_entity_id
FROM unreported AS u
LEFT JOIN mentions AS hm
    ON hm.table_name = 'medical_visits' AND hm.record_key = u.visit_id AND hm.role = 'hospital'
