// Double-entry ledger in integer fen. Debits are positive, credits negative; every entry sums to zero.
import { assert } from "./assert.js";
import { assertFen, type Fen } from "./money.js";
import type { Instant } from "./time.js";

export type AccountKind = "fund" | "capital" | "payable" | "receivable" | "expense" | "waived";

export interface Posting {
  account: string;
  amountFen: Fen;
}

export type EntryPurpose = "fund_opened" | "top_up" | "claim_approved" | "claim_paid" | "claim_voided" | "recovery" | "waiver_granted";

export interface JournalEntry {
  id: string;
  at: Instant;
  purpose: EntryPurpose;
  claimId: string | null;
  versionKey: string | null;
  causedBy: string[];
  postings: Posting[];
}

export interface Ledger {
  balances: Map<string, Fen>;
  entries: JournalEntry[];
}

export const account = {
  fund: (fundId: string) => `fund:${fundId}`,
  capital: (fundId: string) => `capital:${fundId}`,
  payable: (fundId: string) => `payable:${fundId}`,
  receivable: (fundId: string) => `receivable:${fundId}`,
  expense: (commitment: string) => `expense:${commitment}`,
  waived: (fundId: string) => `waived:${fundId}`,
};

export function createLedger(): Ledger {
  return { balances: new Map(), entries: [] };
}

export function post(ledger: Ledger, entry: Omit<JournalEntry, "id">): JournalEntry {
  let total = 0;
  for (const posting of entry.postings) {
    assertFen(posting.amountFen, `posting to ${posting.account}`);
    assert(posting.amountFen !== 0, `posting to ${posting.account} moves money`);
    total += posting.amountFen;
  }
  assert(total === 0, `journal entry ${entry.purpose} for ${entry.claimId} balances (sum ${total})`);
  const recorded: JournalEntry = { id: `je-${ledger.entries.length + 1}`, ...entry };
  ledger.entries.push(recorded);
  for (const posting of entry.postings) {
    ledger.balances.set(posting.account, assertFen((ledger.balances.get(posting.account) ?? 0) + posting.amountFen, `balance of ${posting.account}`));
  }
  return recorded;
}

/** Moves amountFen from the credited account to the debited one. */
export function transfer(options: { debit: string; credit: string; amountFen: Fen }): Posting[] {
  return [
    { account: options.debit, amountFen: options.amountFen },
    { account: options.credit, amountFen: -options.amountFen },
  ];
}

export function balanceOf(ledger: Ledger, accountName: string): Fen {
  return ledger.balances.get(accountName) ?? 0;
}

export function isBalanced(ledger: Ledger): boolean {
  let total = 0;
  for (const balance of ledger.balances.values()) total += balance;
  return total === 0;
}

export function kindOf(accountName: string): AccountKind {
  return accountName.slice(0, accountName.indexOf(":")) as AccountKind;
}

/** Whose a fund is: the platform's, or a brand's in a city (`brand:city`, as fundIdOf makes it). */
export function placeOfFund(fundId: string): "platform" | { brand: string; city: string } {
  if (fundId === "platform") return "platform";
  const [brand = "", city = ""] = fundId.split(":");
  return { brand, city };
}

/** The fund an account belongs to (`kind:fund`); null for an expense account, which every fund pays into. */
export function fundOfAccount(accountName: string): string | null {
  return kindOf(accountName) === "expense" ? null : accountName.slice(accountName.indexOf(":") + 1);
}
