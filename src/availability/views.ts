// EWS free/busy views: what each one contains, and how disclosure policy downgrades detailed views.

export type RequestedView = 'MergedOnly' | 'FreeBusy' | 'FreeBusyMerged' | 'Detailed' | 'DetailedMerged';
export type Disclosure = 'freeBusy' | 'details';

export interface ViewShape {
  merged: boolean;
  events: boolean;
  details: boolean;
  workingHours: boolean;
}

const SHAPES: Record<RequestedView, ViewShape> = {
  MergedOnly: { merged: true, events: false, details: false, workingHours: false },
  FreeBusy: { merged: false, events: true, details: false, workingHours: true },
  FreeBusyMerged: { merged: true, events: true, details: false, workingHours: true },
  Detailed: { merged: false, events: true, details: true, workingHours: true },
  DetailedMerged: { merged: true, events: true, details: true, workingHours: true },
};

export function viewShape(view: RequestedView): ViewShape {
  return SHAPES[view];
}

/** The view actually answered: Detailed views fall back to their free/busy twin when details are not allowed. */
export function effectiveView(requested: RequestedView, disclosure: Disclosure): RequestedView {
  if (disclosure === 'details') return requested;
  if (requested === 'Detailed') return 'FreeBusy';
  if (requested === 'DetailedMerged') return 'FreeBusyMerged';
  return requested;
}
