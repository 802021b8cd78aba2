-- An administrative penalty, not transferred to the police, whose amounts meet
-- the criminal threshold of its violation type, with no police report or
-- criminal case naming the linked party as suspect within $window_days of the
-- decision (either side, inclusive). An empty `transferred` counts as not transferred.
-- A record clears the party only when its suspect is linked by more than a bare
-- name: a name-only suspect attached to the sole identified namesake
-- (rule 'sole_candidate', ADR 0302) is a guess, and a guess must not hide a
-- violation (ADR 0008).
WITH over_threshold AS (
    SELECT
        p.*,
        CASE
            WHEN p.violation_type = 'online_ip_infringement' AND COALESCE(p.illegal_gain, 0) >= $ip_min_gain
                THEN 'illegal_gain'
            WHEN p.violation_type = 'online_ip_infringement' AND COALESCE(p.illegal_business_volume, 0) >= $ip_min_volume
                THEN 'illegal_business_volume'
            WHEN p.violation_type = 'counterfeit_trademark_sales'
                AND COALESCE(p.illegal_business_volume, 0) >= $trademark_min_volume
                THEN 'illegal_business_volume'
            WHEN p.violation_type = 'personal_info_violation' AND COALESCE(p.records_count, 0) >= $pi_min_records
                THEN 'records_count'
            WHEN p.violation_type = 'personal_info_violation' AND COALESCE(p.illegal_gain, 0) >= $pi_min_gain
                THEN 'illegal_gain'
        END AS threshold_field,
        -- How far the worst amount exceeds its threshold (1.0 = exactly at it).
        CASE p.violation_type
            WHEN 'online_ip_infringement' THEN GREATEST(
                CAST(COALESCE(p.illegal_gain, 0) AS DOUBLE) / $ip_min_gain,
                CAST(COALESCE(p.illegal_business_volume, 0) AS DOUBLE) / $ip_min_volume)
            WHEN 'counterfeit_trademark_sales' THEN
                CAST(COALESCE(p.illegal_business_volume, 0) AS DOUBLE) / $trademark_min_volume
            ELSE GREATEST(
                CAST(COALESCE(p.records_count, 0) AS DOUBLE) / $pi_min_records,
                CAST(COALESCE(p.illegal_gain, 0) AS DOUBLE) / $pi_min_gain)
        END AS threshold_ratio
    FROM admin_penalties AS p
    WHERE NOT COALESCE(p.transferred, FALSE)
      AND p.decided_at <= $as_of
),
suspect_events AS (
    -- Every dated record naming an entity as suspect, from police and procuratorate.
    SELECT m.entity_id, r.received_at AS event_date
    FROM police_reports AS r
    JOIN mentions AS m
        ON m.table_name = 'police_reports' AND m.record_key = r.report_id AND m.role = 'suspect'
        AND COALESCE(m.rule, '') <> 'sole_candidate'
    UNION ALL
    SELECT m.entity_id, c.decision_date AS event_date
    FROM criminal_cases AS c
    JOIN mentions AS m
        ON m.table_name = 'criminal_cases' AND m.record_key = c.case_no || '|' || c.suspect_key
        AND m.role = 'suspect' AND COALESCE(m.rule, '') <> 'sole_candidate'
),
untransferred AS (
    SELECT o.*, pm.entity_id AS party_entity_id, COALESCE(pm.kind, o.party_type) AS party_kind
    FROM over_threshold AS o
    LEFT JOIN mentions AS pm
        ON pm.table_name = 'admin_penalties' AND pm.record_key = o.penalty_id AND pm.role = 'party'
    WHERE o.threshold_field IS NOT NULL
      AND NOT EXISTS (
          SELECT 1
          FROM suspect_events AS s
          WHERE s.entity_id = pm.entity_id
            AND ABS(date_diff('day', o.decided_at, s.event_date)) <= $window_days
      )
)
SELECT
    [u.penalty_id] AS anchor_keys,
    ['admin_penalties:' || u.penalty_id] AS evidence,
    u.party_entity_id AS subject_entity_id,
    u.party_name AS subject_name,
    u.party_kind AS subject_kind,
    u.region_code,
    LEAST(1.0, 0.6 + 0.1 * u.threshold_ratio) AS score,
    u.penalty_id,
    u.agency_type,
    u.decided_at,
    u.party_type,
    u.violation_type,
    u.illegal_gain,
    u.illegal_business_volume,
    u.records_count,
    u.fine_amount,
    u.threshold_field,
    u.threshold_ratio,
    CASE u.agency_type
        WHEN 'market_regulation' THEN '市场监督管理部门'
        WHEN 'cyberspace' THEN '网信部门'
        WHEN 'copyright' THEN '版权管理部门'
        WHEN 'public_security_admin' THEN '公安机关（治安管理）'
        WHEN 'industry_it' THEN '工业和信息化部门'
        WHEN 'health' THEN '卫生健康部门'
        ELSE '行政执法机关'
    END AS agency_label_zh,
    CASE u.violation_type
        WHEN 'online_ip_infringement' THEN '网络侵犯知识产权'
        WHEN 'counterfeit_trademark_sales' THEN '销售假冒注册商标的商品'
        ELSE '侵犯公民个人信息'
    END AS violation_label_zh,
    CASE u.threshold_field
        WHEN 'illegal_gain' THEN '违法所得' || CAST(u.illegal_gain AS VARCHAR) || '元'
        WHEN 'illegal_business_volume' THEN '非法经营额' || CAST(u.illegal_business_volume AS VARCHAR) || '元'
        ELSE '涉及个人信息' || CAST(u.records_count AS VARCHAR) || '条'
    END AS threshold_met_zh,
    CASE u.threshold_field
        WHEN 'illegal_gain' THEN 'illegal gain of ' || CAST(u.illegal_gain AS VARCHAR) || ' yuan'
        WHEN 'illegal_business_volume' THEN 'illegal business volume of '
            || CAST(u.illegal_business_volume AS VARCHAR) || ' yuan'
        ELSE CAST(u.records_count AS VARCHAR) || ' personal-information records'
    END AS threshold_met_en
FROM untransferred AS u
