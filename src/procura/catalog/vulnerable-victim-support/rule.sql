-- A victim of a listed charge at a listed stage, elderly (>= $elderly_age) or a
-- minor (< $minor_age) at the decision date, or disabled, who lost at least
-- $min_loss, and who (as a linked entity) is not the plaintiff of any civil
-- court case filed on or after the decision date. A plaintiff attached by name
-- alone (rule sole_candidate) is a guess and rules nothing out (ADR 0008).
WITH cases AS (
    SELECT
        c.case_no,
        MIN(c.region_code) AS region_code,
        MIN(c.charge) AS charge,
        MAX(CASE c.stage WHEN 'judged' THEN 2 ELSE 1 END) AS stage_rank,
        MIN(c.decision_date) AS decision_date,
        list_sort(array_agg(c.case_no || '|' || c.suspect_key)) AS record_keys
    FROM criminal_cases AS c
    WHERE c.charge IN $charges
      AND c.stage IN $stages
    GROUP BY c.case_no
),
victims AS (
    SELECT
        v.case_no,
        v.victim_key,
        v.case_no || '|' || v.victim_key AS record_key,
        v.victim_name,
        COALESCE(v.disability, FALSE) AS disability,
        v.loss_amount,
        c.region_code,
        c.charge,
        c.stage_rank,
        c.decision_date,
        c.record_keys,
        -- Birth date from the row, else from digits 7-14 of a valid identity number.
        COALESCE(v.victim_birth_date, CASE WHEN v.victim_id_no_valid THEN TRY_CAST(
            substr(v.victim_id_no, 7, 4) || '-' || substr(v.victim_id_no, 11, 2) || '-' || substr(v.victim_id_no, 13, 2)
            AS DATE) END) AS birth_date
    FROM criminal_case_victims AS v
    JOIN cases AS c ON c.case_no = v.case_no
    WHERE v.loss_amount >= $min_loss
),
aged AS (
    -- Completed years at the decision date: the birthday itself counts as the new year.
    SELECT
        victims.*,
        EXTRACT(YEAR FROM decision_date) - EXTRACT(YEAR FROM birth_date)
            - CASE WHEN EXTRACT(MONTH FROM decision_date) * 100 + EXTRACT(DAY FROM decision_date)
                      < EXTRACT(MONTH FROM birth_date) * 100 + EXTRACT(DAY FROM birth_date)
                   THEN 1 ELSE 0 END AS victim_age
    FROM victims
),
vulnerable AS (
    SELECT a.*, vm.entity_id AS victim_entity_id
    FROM aged AS a
    LEFT JOIN mentions AS vm
        ON vm.table_name = 'criminal_case_victims' AND vm.record_key = a.record_key AND vm.role = 'victim'
    WHERE (a.disability OR a.victim_age >= $elderly_age OR a.victim_age < $minor_age)
      AND NOT EXISTS (
          SELECT 1
          FROM court_parties AS cp
          JOIN court_cases AS cc ON cc.case_no = cp.case_no
          JOIN mentions AS pm
              ON pm.table_name = 'court_parties' AND pm.record_key = cp.case_no || '|' || cp.party_key
              AND pm.role = 'party' AND COALESCE(pm.rule, '') <> 'sole_candidate'
          WHERE cp.role = 'plaintiff'
            AND cc.case_type = 'civil'
            AND cc.filed_at >= a.decision_date
            AND pm.entity_id = vm.entity_id
      )
)
SELECT
    [u.record_key] AS anchor_keys,
    list_concat(['criminal_case_victims:' || u.record_key],
        list_transform(u.record_keys, k -> 'criminal_cases:' || k)) AS evidence,
    u.victim_entity_id AS subject_entity_id,
    u.victim_name AS subject_name,
    u.region_code,
    -- More vulnerable (several grounds) and larger losses weigh more.
    LEAST(1.0, 0.5
        + 0.1 * ((CASE WHEN u.disability THEN 1 ELSE 0 END)
                 + (CASE WHEN u.victim_age >= $elderly_age OR u.victim_age < $minor_age THEN 1 ELSE 0 END))
        + 0.05 * CAST(u.loss_amount AS DOUBLE) / $min_loss) AS score,
    u.case_no,
    u.victim_key,
    u.charge,
    CASE u.stage_rank WHEN 2 THEN 'judged' ELSE 'prosecuted' END AS stage,
    CASE u.stage_rank WHEN 2 THEN '已判决' ELSE '已起诉' END AS stage_label_zh,
    CASE u.charge WHEN 'telecom_fraud' THEN '电信网络诈骗' ELSE '侵犯公民个人信息' END AS charge_label_zh,
    u.decision_date,
    u.victim_age,
    u.disability,
    u.loss_amount,
    CASE
        WHEN u.victim_age >= $elderly_age THEN '决定作出时年满' || CAST(u.victim_age AS VARCHAR) || '周岁（老年人）'
        WHEN u.victim_age < $minor_age THEN '决定作出时' || CAST(u.victim_age AS VARCHAR) || '周岁（未成年人）'
        ELSE '系残疾人'
    END || CASE WHEN u.disability AND (u.victim_age >= $elderly_age OR u.victim_age < $minor_age)
        THEN '，且系残疾人' ELSE '' END AS vulnerability_zh,
    CASE
        WHEN u.victim_age >= $elderly_age THEN 'was ' || CAST(u.victim_age AS VARCHAR) || ' (elderly) at the decision'
        WHEN u.victim_age < $minor_age THEN 'was ' || CAST(u.victim_age AS VARCHAR) || ' (a minor) at the decision'
        ELSE 'has a disability'
    END || CASE WHEN u.disability AND (u.victim_age >= $elderly_age OR u.victim_age < $minor_age)
        THEN ' and has a disability' ELSE '' END AS vulnerability_en
FROM vulnerable AS u
