-- A non-prosecuted suspect of a listed charge, decided at least $grace_days
-- ago, with no opinion sent to the administrative authority (empty = not sent)
-- and no administrative penalty against the linked party decided within
-- $window_days after the decision (the decision day included). A party attached
-- by name alone (rule sole_candidate) is a guess and covers nothing (ADR 0008).
WITH decided AS (
    SELECT
        c.*,
        c.case_no || '|' || c.suspect_key AS record_key,
        date_diff('day', c.decision_date, $as_of) AS days_since_decision
    FROM criminal_cases AS c
    WHERE c.stage = 'non_prosecuted'
      AND c.charge IN $charges
      AND date_diff('day', c.decision_date, $as_of) >= $grace_days
      AND NOT COALESCE(c.admin_referral_sent, FALSE)
),
unpenalised AS (
    SELECT d.*, sm.entity_id AS suspect_entity_id, sm.kind AS suspect_kind
    FROM decided AS d
    LEFT JOIN mentions AS sm
        ON sm.table_name = 'criminal_cases' AND sm.record_key = d.record_key AND sm.role = 'suspect'
    WHERE NOT EXISTS (
        SELECT 1
        FROM admin_penalties AS p
        JOIN mentions AS pm
            ON pm.table_name = 'admin_penalties' AND pm.record_key = p.penalty_id AND pm.role = 'party'
            AND COALESCE(pm.rule, '') <> 'sole_candidate'
        WHERE pm.entity_id = sm.entity_id
          AND date_diff('day', d.decision_date, p.decided_at) BETWEEN 0 AND $window_days
    )
)
SELECT
    [u.record_key] AS anchor_keys,
    ['criminal_cases:' || u.record_key] AS evidence,
    u.suspect_entity_id AS subject_entity_id,
    u.suspect_name AS subject_name,
    COALESCE(u.suspect_kind, CASE WHEN u.suspect_uscc IS NOT NULL THEN 'org' ELSE 'person' END) AS subject_kind,
    u.region_code,
    -- Older unresolved decisions are graver; saturates a year after the decision.
    LEAST(1.0, 0.6 + 0.4 * CAST(u.days_since_decision AS DOUBLE) / 365) AS score,
    u.case_no,
    u.suspect_key,
    u.charge,
    u.decision_date,
    u.days_since_decision,
    CASE u.charge
        WHEN 'personal_info_infringement' THEN '侵犯公民个人信息罪'
        WHEN 'online_defamation' THEN '诽谤罪（网络）'
        WHEN 'online_insult' THEN '侮辱罪（网络）'
        WHEN 'copyright_infringement' THEN '侵犯著作权罪'
        WHEN 'counterfeit_trademark_sales' THEN '销售假冒注册商标的商品罪'
        WHEN 'telecom_fraud' THEN '诈骗罪（电信网络诈骗）'
        ELSE u.charge
    END AS charge_label_zh
FROM unpenalised AS u
