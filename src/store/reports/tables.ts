// The report projections' tables: what activity.ts adds from each batch's events, and the
// reports in this folder read (docs/reports.md).

export interface ListingTable {
  listing_id: string;
  city: string;
  brand: string;
  owner_id: string;
  maintainer_id: string;
  community_id: string;
  layout: string;
  area_sqm: number;
  published_at: number;
  delisted_at: number | null;
}

export interface ListingPriceTable {
  listing_id: string;
  at: number;
  price_fen: number;
}

export interface ListingDayTable {
  listing_id: string;
  day: string;
  views: number;
  follows: number;
  promotions: number;
  progress_reports: number;
}

export interface DealTable {
  deal_id: string;
  listing_id: string;
  city: string;
  brand: string;
  signed_at: number;
  price_fen: number;
}

export interface ShowingTable {
  showing_id: string;
  listing_id: string;
  recorded_at: number | null;
  feedback_at: number | null;
}

/** Complaints as filed and closed; a closing may arrive before its filing. */
export interface ComplaintTable {
  complaint_id: string;
  city: string | null;
  brand: string | null;
  consumer_id: string | null;
  filed_at: number | null;
  closed_at: number | null;
  /** The consumer's rating of the handling (1–5) at its latest rated closing, and that closing's time. */
  rating: number | null;
  rated_at: number | null;
}

export interface DailyFigureTable {
  city: string;
  brand: string;
  day: string;
  figure: string;
  count: number;
  total: number;
}

export interface OwnerReportTable {
  listing_id: string;
  week_start: string;
  owner_id: string;
  body: string;
}
