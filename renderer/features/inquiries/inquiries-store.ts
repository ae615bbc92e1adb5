// Inquiries (questions agents asked the user) seen so far, by id. Pending ones drive the sidebar
// badge and the Inquiries page; inline cards in a timeline look their status up here.
import { createStore } from 'zustand/vanilla';
import type { HostClient } from '../../../electron/api/contract';
import type { InquirySummary } from '../../../electron/api/types';
import { errorMessage } from '../../api/host-call-error';

export interface InquiriesState {
  byId: Record<string, InquirySummary>;
  loaded: boolean;
  error: string | null;
  refresh(): Promise<void>;
  /** Loads the answered and cancelled ones too, for the Inquiries page's history. */
  loadHistory(): Promise<void>;
  answer(inquiryId: string, text: string, suggestionIndex?: number): Promise<void>;
}

export function createInquiriesStore(client: HostClient) {
  const store = createStore<InquiriesState>()((set, get) => ({
    byId: {},
    loaded: false,
    error: null,

    async refresh() {
      try {
        const pending = await client.call('inquiries.list', { status: 'pending' });
        const byId: Record<string, InquirySummary> = {};
        // Keep answered ones we know of (inline cards show them); pending ones come fresh.
        for (const inquiry of Object.values(get().byId))
          if (inquiry.status !== 'pending') byId[inquiry.id] = inquiry;
        for (const inquiry of pending) byId[inquiry.id] = inquiry;
        set({ byId, loaded: true, error: null });
      } catch (error) {
        set({ loaded: true, error: errorMessage(error) });
      }
    },

    async loadHistory() {
      try {
        const all = await client.call('inquiries.list', { status: 'all' });
        const byId = { ...get().byId };
        for (const inquiry of all) byId[inquiry.id] = inquiry;
        set({ byId, error: null });
      } catch (error) {
        set({ error: errorMessage(error) });
      }
    },

    async answer(inquiryId, text, suggestionIndex) {
      await client.call('inquiries.answer', {
        inquiryId,
        text,
        ...(suggestionIndex === undefined ? {} : { suggestionIndex }),
      });
      const known = get().byId[inquiryId];
      // The host confirms with `inquiry.updated`; showing the answer now keeps the card from flickering.
      if (known && known.status === 'pending') {
        set({
          byId: {
            ...get().byId,
            [inquiryId]: { ...known, status: 'answered', responseText: text, answeredAt: Date.now() },
          },
        });
      }
    },
  }));

  client.onEvent((event) => {
    if (event.type === 'inquiry.updated') {
      store.setState({ byId: { ...store.getState().byId, [event.inquiry.id]: event.inquiry } });
    }
  });

  return store;
}

export type InquiriesStore = ReturnType<typeof createInquiriesStore>;

/** Pending and with the user — not with a supervisor agent that was handed it (its forwarding chain ends at the user). */
export function waitsForUser(inquiry: InquirySummary): boolean {
  const last = inquiry.forwarding?.at(-1);
  return inquiry.status === 'pending' && (!last || last.delivery === 'user');
}

/** The questions waiting for the user (a supervisor agent's ones are under All). */
export function pendingInquiries(byId: Record<string, InquirySummary>): InquirySummary[] {
  return Object.values(byId)
    .filter(waitsForUser)
    // High-priority questions first, then the oldest.
    .sort((a, b) => rank(a) - rank(b) || a.createdAt - b.createdAt);
}

function rank(inquiry: InquirySummary): number {
  return inquiry.priority === 'urgent' ? 0 : inquiry.priority === 'high' ? 1 : 2;
}
