-- Comparable order groups (platform, product, city, order day) with at least
-- $min_orders orders from established users (registered >= $established_days
-- calendar days before the order day) and from new users (registered fewer
-- than $new_days days before). The statistics step (procura.models.stats)
-- tests each group and turns the significant ones into leads.
WITH orders AS (
    SELECT
        o.order_id,
        o.platform_uscc,
        o.sku,
        o.city_code,
        CAST(o.ordered_at AS DATE) AS order_date,
        CAST(o.paid_price AS DOUBLE) AS paid_price,
        date_diff('day', CAST(o.user_registered_at AS DATE), CAST(o.ordered_at AS DATE)) AS tenure_days
    FROM platform_orders AS o
    WHERE o.paid_price IS NOT NULL
      AND o.user_registered_at IS NOT NULL
      AND o.city_code IS NOT NULL  -- orders of unknown city form no comparable group
      AND CAST(o.ordered_at AS DATE) <= $as_of
),
sided AS (
    SELECT
        orders.*,
        CASE
            WHEN tenure_days >= $established_days THEN 'established'
            WHEN tenure_days >= 0 AND tenure_days < $new_days THEN 'new'
        END AS side
    FROM orders
),
tested AS (
    SELECT
        platform_uscc,
        sku,
        city_code,
        order_date,
        list_sort(array_agg(paid_price) FILTER (WHERE side = 'established')) AS established_prices,
        list_sort(array_agg(paid_price) FILTER (WHERE side = 'new')) AS new_prices,
        list_sort(array_agg(order_id) FILTER (WHERE side = 'established')) AS established_orders,
        list_sort(array_agg(order_id) FILTER (WHERE side = 'new')) AS new_orders
    FROM sided
    WHERE side IS NOT NULL
    GROUP BY platform_uscc, sku, city_code, order_date
    HAVING COUNT(*) FILTER (WHERE side = 'established') >= $min_orders
       AND COUNT(*) FILTER (WHERE side = 'new') >= $min_orders
),
platforms AS (
    SELECT o.platform_uscc, MIN(m.entity_id) AS platform_entity_id, MIN(o.platform_name) AS platform_name
    FROM platform_orders AS o
    LEFT JOIN mentions AS m
        ON m.table_name = 'platform_orders' AND m.record_key = o.order_id AND m.role = 'platform'
    WHERE o.platform_uscc IN (SELECT t.platform_uscc FROM tested AS t)
    GROUP BY o.platform_uscc
)
SELECT t.*, p.platform_entity_id, p.platform_name
FROM tested AS t
JOIN platforms AS p ON p.platform_uscc = t.platform_uscc
