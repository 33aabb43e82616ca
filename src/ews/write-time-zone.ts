// Writes time zones as EWS XML: t:SerializableTimeZone (WorkingHours) and t:TimeZoneDefinition (GetServerTimeZones).
import { minutesToDuration } from '../availability/time-zone/calendar-math.js';
import type { GroupTransition, TimeZoneDefinitionData } from '../availability/time-zone/zone-definition.js';
import type { SerializableTimeZone, TimeChange } from '../availability/time-zone/types.js';
import { element, textElement } from './xml-writer.js';

// Children in the order of the XSD's SerializableTimeZoneTime sequence: Bias, Time, DayOrder, Month,
// DayOfWeek, then the optional Year. Numbers are rounded because the schema types are xs:int / xs:short.
function timeChangeXml(name: string, change: TimeChange): string {
  const children = [
    textElement('t:Bias', Math.round(change.bias) + 0),
    textElement('t:Time', change.time),
    textElement('t:DayOrder', Math.round(change.dayOrder)),
    textElement('t:Month', Math.round(change.month)),
    textElement('t:DayOfWeek', change.dayOfWeek),
  ];
  if (change.year !== undefined) children.push(textElement('t:Year', String(change.year)));
  return element(name, children);
}

/**
 * XML already written for frozen zones (the memoised ones every mailbox's working hours share). Kept at module
 * level: weak keys, so an entry lives exactly as long as its zone (held by its own owner's bounded memo), and the
 * XML is a function of the frozen zone alone, so sharing it between apps changes no answer.
 */
const written = new WeakMap<SerializableTimeZone, string>();

/** A SerializableTimeZone as `<t:TimeZone>` (or another element name of that type), schema order, `t:` prefix. */
export function serializableTimeZoneXml(tz: SerializableTimeZone, elementName = 't:TimeZone'): string {
  const reusable = elementName === 't:TimeZone' && Object.isFrozen(tz);
  const known = reusable ? written.get(tz) : undefined;
  if (known !== undefined) return known;
  const xml = element(elementName, [
    textElement('t:Bias', Math.round(tz.bias) + 0),
    timeChangeXml('t:StandardTime', tz.standardTime),
    timeChangeXml('t:DaylightTime', tz.daylightTime),
  ]);
  if (reusable) written.set(tz, xml);
  return xml;
}

function transitionXml(t: GroupTransition, kind: 'Period' | 'Group'): string {
  const to = textElement('t:To', t.to, { Kind: kind });
  switch (t.kind) {
    case 'Transition':
      return element('t:Transition', to);
    case 'AbsoluteDateTransition':
      return element('t:AbsoluteDateTransition', [to, textElement('t:DateTime', t.dateTime)]);
    case 'RecurringDayTransition':
      // Sequence per RecurringDayTransitionType: To, TimeOffset, Month (from the base), DayOfWeek, Occurrence.
      return element('t:RecurringDayTransition', [
        to,
        textElement('t:TimeOffset', minutesToDuration(t.timeOffsetMs / 60_000)),
        textElement('t:Month', t.month),
        textElement('t:DayOfWeek', t.dayOfWeek),
        textElement('t:Occurrence', t.occurrence),
      ]);
  }
}

/**
 * A `<t:TimeZoneDefinition Id Name>`; with `full` also its Periods, TransitionsGroups and Transitions
 * (GetServerTimeZones' ReturnFullTimeZoneData). Period biases are Windows-style (UTC = local + bias).
 */
export function timeZoneDefinitionXml(def: TimeZoneDefinitionData, full = true): string {
  const attrs = { Id: def.id, Name: def.name };
  if (!full) return element('t:TimeZoneDefinition', '', attrs);
  const periods = def.periods.map((p) => element('t:Period', '', { Bias: minutesToDuration(p.bias), Name: p.name, Id: p.id }));
  const groups = def.groups.map((g) =>
    element(
      't:TransitionsGroup',
      g.transitions.map((t) => transitionXml(t, 'Period')),
      { Id: g.id },
    ),
  );
  const switches = def.transitions.map((s) =>
    s.startsAt === undefined
      ? transitionXml({ kind: 'Transition', to: s.group }, 'Group')
      : transitionXml({ kind: 'AbsoluteDateTransition', to: s.group, dateTime: s.startsAt }, 'Group'),
  );
  return element(
    't:TimeZoneDefinition',
    [element('t:Periods', periods), element('t:TransitionsGroups', groups), element('t:Transitions', switches)],
    attrs,
  );
}
