-- A plaintiff entity that, in some window of at most $window_days between the
-- first and last filing, brought >= $min_cases private-lending cases of which
-- a share >= $min_quick_share closed by mediation or withdrawal within
-- $quick_days of filing (serial_lending); or that shares a phone number or an
-- address with the defendant of a civil case closed by mediation (shared_contact).
WITH plaintiffs AS (
    SELECT DISTINCT
        pm.entity_id AS plaintiff_id,
        pm.kind AS plaintiff_kind,
        cp.name AS plaintiff_name,
        cp.case_no,
        cp.party_key
    FROM court_parties AS cp
    JOIN mentions AS pm
        ON pm.table_name = 'court_parties' AND pm.record_key = cp.case_no || '|' || cp.party_key
        AND pm.role = 'party'
    WHERE cp.role = 'plaintiff'
),
lending AS (
    SELECT DISTINCT
        p.plaintiff_id,
        c.case_no,
        c.filed_at,
        CASE WHEN c.closing_method IN ('mediation', 'withdrawal')
                  AND date_diff('day', c.filed_at, c.closed_at) BETWEEN 0 AND $quick_days
             THEN 1 ELSE 0 END AS quick
    FROM court_cases AS c
    JOIN plaintiffs AS p ON p.case_no = c.case_no
    WHERE c.cause = 'private_lending'
      AND c.filed_at <= $as_of
),
daily AS (
    SELECT plaintiff_id, filed_at, COUNT(*) AS n_cases, SUM(quick) AS n_quick
    FROM lending
    GROUP BY plaintiff_id, filed_at
),
running AS (
    -- Cases filed up to and including each filing day, per plaintiff.
    SELECT
        d.*,
        SUM(n_cases) OVER (PARTITION BY plaintiff_id ORDER BY filed_at
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_cases,
        SUM(n_quick) OVER (PARTITION BY plaintiff_id ORDER BY filed_at
            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cum_quick
    FROM daily AS d
),
spans AS (
    -- Every window from one filing day to a later one at most $window_days on.
    SELECT
        a.plaintiff_id,
        a.filed_at AS span_from,
        b.filed_at AS span_to,
        b.cum_cases - a.cum_cases + a.n_cases AS span_cases,
        b.cum_quick - a.cum_quick + a.n_quick AS span_quick
    FROM running AS a
    JOIN running AS b
        ON b.plaintiff_id = a.plaintiff_id
        AND date_diff('day', a.filed_at, b.filed_at) BETWEEN 0 AND $window_days
),
serial_spans AS (
    SELECT *, CAST(span_quick AS DOUBLE) / span_cases AS span_share
    FROM spans
    WHERE span_cases >= $min_cases
      AND CAST(span_quick AS DOUBLE) / span_cases >= $min_quick_share
),
serial_cases AS (
    SELECT DISTINCT l.plaintiff_id, l.case_no, 'serial_lending' AS ground
    FROM lending AS l
    JOIN serial_spans AS s
        ON s.plaintiff_id = l.plaintiff_id AND l.filed_at BETWEEN s.span_from AND s.span_to
),
serial_best AS (
    -- The window reported in the explanation: most cases, then highest share.
    SELECT plaintiff_id, span_cases, span_quick, span_share
    FROM (
        SELECT s.*, ROW_NUMBER() OVER (PARTITION BY plaintiff_id
            ORDER BY span_cases DESC, span_share DESC, span_from) AS pick
        FROM serial_spans AS s
    ) AS ranked
    WHERE pick = 1
),
contacts AS (
    SELECT
        cp.case_no,
        cp.party_key,
        cp.role,
        NULLIF(regexp_replace(cp.phone, '[^0-9]', '', 'g'), '') AS phone_digits,
        NULLIF(regexp_replace(cp.address, '\s', '', 'g'), '') AS address_plain
    FROM court_parties AS cp
    WHERE cp.role IN ('plaintiff', 'defendant')
),
shared_cases AS (
    SELECT DISTINCT p.plaintiff_id, c.case_no, 'shared_contact' AS ground
    FROM court_cases AS c
    JOIN contacts AS pl ON pl.case_no = c.case_no AND pl.role = 'plaintiff'
    JOIN contacts AS df ON df.case_no = c.case_no AND df.role = 'defendant'
    JOIN plaintiffs AS p ON p.case_no = pl.case_no AND p.party_key = pl.party_key
    WHERE c.case_type = 'civil'
      AND c.closing_method = 'mediation'
      AND c.filed_at <= $as_of
      AND (pl.phone_digits = df.phone_digits OR pl.address_plain = df.address_plain)
),
hits AS (
    SELECT * FROM serial_cases
    UNION ALL
    SELECT * FROM shared_cases
),
leads AS (
    SELECT
        h.plaintiff_id,
        list_sort(array_agg(DISTINCT h.case_no)) AS case_nos,
        list_sort(array_agg(DISTINCT h.ground)) AS grounds,
        MIN(c.region_code) AS region_code
    FROM hits AS h
    JOIN court_cases AS c ON c.case_no = h.case_no
    GROUP BY h.plaintiff_id
),
names AS (
    SELECT plaintiff_id, MIN(plaintiff_name) AS plaintiff_name, MIN(plaintiff_kind) AS plaintiff_kind
    FROM plaintiffs
    GROUP BY plaintiff_id
),
shared_lists AS (
    SELECT plaintiff_id, list_sort(array_agg(DISTINCT case_no)) AS shared_cases
    FROM shared_cases
    GROUP BY plaintiff_id
),
party_refs AS (
    -- Every party row of the cases, as evidence.
    SELECT h.plaintiff_id, list_sort(array_agg(DISTINCT 'court_parties:' || cp.case_no || '|' || cp.party_key)) AS refs
    FROM hits AS h
    JOIN court_parties AS cp ON cp.case_no = h.case_no
    GROUP BY h.plaintiff_id
)
SELECT
    l.case_nos AS anchor_keys,
    list_concat(
        list_transform(l.case_nos, k -> 'court_cases:' || k),
        r.refs
    ) AS evidence,
    l.plaintiff_id AS subject_entity_id,
    n.plaintiff_name AS subject_name,
    n.plaintiff_kind AS subject_kind,
    l.region_code,
    LEAST(1.0, 0.5 + 0.2 * array_length(l.grounds) + 0.02 * array_length(l.case_nos)) AS score,
    l.grounds,
    sl.shared_cases,
    COALESCE(b.span_cases, 0) AS window_cases,
    COALESCE(b.span_quick, 0) AS window_quick,
    COALESCE(b.span_share, 0.0) AS window_share
FROM leads AS l
JOIN names AS n ON n.plaintiff_id = l.plaintiff_id
JOIN party_refs AS r ON r.plaintiff_id = l.plaintiff_id
LEFT JOIN serial_best AS b ON b.plaintiff_id = l.plaintiff_id
LEFT JOIN shared_lists AS sl ON sl.plaintiff_id = l.plaintiff_id
