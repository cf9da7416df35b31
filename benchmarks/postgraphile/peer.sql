-- The peer of `make bench`: what a county would set up for PostGraphile over WRM's own
-- tables. One STABLE SQL function returns the press table's reported figures (now, or at the
-- end of a Stichtag from the history, with the quota as it was set then), and the computed
-- figures are STABLE SQL functions on its row type, which PostGraphile offers as computed
-- columns. Timestamps are stored as UTC without a zone, as WRM writes them. The rules are the concept paper's, as in wrm/kennzahlen (no agreements or credits
-- in the benchmark's data; credits are summed all the same).
DROP SCHEMA IF EXISTS wrm_peer CASCADE;
CREATE SCHEMA wrm_peer;

CREATE TYPE wrm_peer.zeile AS (
  name text,
  aufnahmequote int,
  zuweisungen int,
  ankuenfte int,
  keine_quotenanrechnung int,
  moegliche_quotenanrechnung int,
  in_gemeinschaftsunterkuenften int,
  dezentral_untergebracht int,
  verfuegbar_gemeinschaftsunterkunft int,
  verfuegbar_dezentral int,
  in_aussicht_gemeinschaftsunterkunft int,
  in_aussicht_dezentral int,
  lage text,
  stand timestamptz,
  anrechnungen int,
  bezug timestamptz,
  frist_tage int
);

-- The period of a Landkreis on a day: the one containing it, else the latest begun, else the
-- latest (wrm.services.verteilzeitraeume.zeitraum_am).
CREATE FUNCTION wrm_peer.zeitraum_am(kreis int, tag date) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT id FROM public.verteilzeitraeume WHERE landkreis_id = kreis
  ORDER BY (beginn <= tag AND (ende IS NULL OR tag <= ende)) DESC, (beginn <= tag) DESC,
           beginn DESC, id DESC
  LIMIT 1
$$;

-- The press table of a Landkreis: now (stichtag null) or as it stood at the end of the day.
CREATE FUNCTION wrm_peer.auswertung(landkreis int, stichtag date DEFAULT NULL)
RETURNS SETOF wrm_peer.zeile LANGUAGE sql STABLE AS $$
  WITH p AS (
    SELECT wrm_peer.zeitraum_am(landkreis, tag) AS zeitraum,
           -- WRM stores UTC without a zone: the end of the local day, as such a value.
           ((tag + 1)::timestamp AT TIME ZONE 'Europe/Berlin') AT TIME ZONE 'UTC' AS grenze,
           CASE WHEN stichtag IS NULL THEN now()
                ELSE (tag + 1)::timestamp AT TIME ZONE 'Europe/Berlin' END AS bezug,
           coalesce((SELECT meldefrist_tage FROM public.landkreise WHERE id = landkreis), 7)
             AS frist
    FROM (SELECT coalesce(stichtag, (now() AT TIME ZONE 'Europe/Berlin')::date) AS tag) t
  )
  SELECT k.name::text, q.wert, m.zuweisungen, m.ankuenfte, m.keine_quotenanrechnung,
         m.moegliche_quotenanrechnung, m.in_gemeinschaftsunterkuenften,
         m.dezentral_untergebracht, m.verfuegbar_gemeinschaftsunterkunft,
         m.verfuegbar_dezentral, m.in_aussicht_gemeinschaftsunterkunft,
         m.in_aussicht_dezentral, lower(m.lage::text), m.stand AT TIME ZONE 'UTC',
         (SELECT coalesce(sum(b.personen), 0)::int FROM public.buchungen b
          WHERE b.kommune_id = k.id AND b.verteilzeitraum_id = p.zeitraum
            AND b.eingetragen_am < p.grenze),
         p.bezug, p.frist
  FROM p CROSS JOIN public.kommunen k
  LEFT JOIN public.meldungen m ON m.kommune_id = k.id
  LEFT JOIN public.aufnahmequoten q
    ON q.kommune_id = k.id AND q.verteilzeitraum_id = p.zeitraum
  WHERE stichtag IS NULL AND k.landkreis_id = landkreis AND k.aktiv
  UNION ALL
  SELECT k.name::text,
         (SELECT qa.wert FROM public.quotenaenderungen qa
          WHERE qa.kommune_id = k.id AND qa.verteilzeitraum_id = p.zeitraum
            AND qa.zeitpunkt < p.grenze
          ORDER BY qa.zeitpunkt DESC, qa.id DESC LIMIT 1),
         v.zuweisungen, v.ankuenfte, v.keine_quotenanrechnung, v.moegliche_quotenanrechnung,
         v.in_gemeinschaftsunterkuenften, v.dezentral_untergebracht,
         v.verfuegbar_gemeinschaftsunterkunft, v.verfuegbar_dezentral,
         v.in_aussicht_gemeinschaftsunterkunft, v.in_aussicht_dezentral,
         lower(v.lage::text), v.zeitpunkt AT TIME ZONE 'UTC',
         (SELECT coalesce(sum(b.personen), 0)::int FROM public.buchungen b
          WHERE b.kommune_id = k.id AND b.verteilzeitraum_id = p.zeitraum
            AND b.eingetragen_am < p.grenze),
         p.bezug, p.frist
  FROM p CROSS JOIN public.kommunen k
  LEFT JOIN LATERAL (
    SELECT * FROM public.verlaufseintraege e
    WHERE e.kommune_id = k.id AND e.zeitpunkt < p.grenze
    ORDER BY e.zeitpunkt DESC, e.id DESC LIMIT 1) v ON true
  WHERE stichtag IS NOT NULL AND k.landkreis_id = landkreis AND k.aktiv
    AND k.angelegt_am < p.grenze
$$;

-- Computed columns (PostGraphile: functions named <type>_<column> taking the row).
CREATE FUNCTION wrm_peer.zeile_zu_erfuellen(z wrm_peer.zeile) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT z.aufnahmequote - coalesce(z.zuweisungen, 0) - z.anrechnungen
$$;

CREATE FUNCTION wrm_peer.zeile_sofort_verfuegbar(z wrm_peer.zeile) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT coalesce(z.verfuegbar_gemeinschaftsunterkunft, 0) + coalesce(z.verfuegbar_dezentral, 0)
$$;

CREATE FUNCTION wrm_peer.zeile_in_aussicht(z wrm_peer.zeile) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT coalesce(z.in_aussicht_gemeinschaftsunterkunft, 0)
         + coalesce(z.in_aussicht_dezentral, 0)
$$;

CREATE FUNCTION wrm_peer.zeile_gesamt_verfuegbar(z wrm_peer.zeile) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT wrm_peer.zeile_sofort_verfuegbar(z) + wrm_peer.zeile_in_aussicht(z)
$$;

-- Empty without a quota or when none of (8)-(11) is reported.
CREATE FUNCTION wrm_peer.zeile_bedarf(z wrm_peer.zeile) RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN z.aufnahmequote IS NULL
                   OR (z.verfuegbar_gemeinschaftsunterkunft IS NULL
                       AND z.verfuegbar_dezentral IS NULL
                       AND z.in_aussicht_gemeinschaftsunterkunft IS NULL
                       AND z.in_aussicht_dezentral IS NULL) THEN NULL
              ELSE greatest(wrm_peer.zeile_zu_erfuellen(z), 0)
                   - wrm_peer.zeile_gesamt_verfuegbar(z) END
$$;

CREATE FUNCTION wrm_peer.zeile_veraltet(z wrm_peer.zeile) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT z.stand IS NULL OR z.bezug - z.stand > make_interval(days => z.frist_tage)
$$;
