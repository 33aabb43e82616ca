// Tests for the time zone XML writers: exact schema-order output and XSD validity inside real responses.
import { describe, expect, it } from 'vitest';
import { expectBodyXsdValid } from '../../test/support/xsd.js';
import { serializableFromIana } from '../availability/time-zone/serializable-from-iana.js';
import type { SerializableTimeZone } from '../availability/time-zone/types.js';
import { timeZoneDefinitionData } from '../availability/time-zone/zone-definition.js';
import { serializableTimeZoneXml, timeZoneDefinitionXml } from './write-time-zone.js';

const PACIFIC: SerializableTimeZone = {
  bias: 480,
  standardTime: { bias: 0, time: '02:00:00', dayOrder: 1, month: 11, dayOfWeek: 'Sunday' },
  daylightTime: { bias: -60, time: '02:00:00', dayOrder: 2, month: 3, dayOfWeek: 'Sunday' },
};

// The smallest GetUserAvailability response that carries WorkingHours, to check the SerializableTimeZone.
const withWorkingHours = (tzXml: string) =>
  '<m:GetUserAvailabilityResponse><m:FreeBusyResponseArray><m:FreeBusyResponse>' +
  '<m:ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode></m:ResponseMessage>' +
  '<m:FreeBusyView><t:FreeBusyViewType>FreeBusy</t:FreeBusyViewType><t:WorkingHours>' +
  tzXml +
  '<t:WorkingPeriodArray><t:WorkingPeriod><t:DayOfWeek>Monday Tuesday</t:DayOfWeek><t:StartTimeInMinutes>480</t:StartTimeInMinutes><t:EndTimeInMinutes>1020</t:EndTimeInMinutes></t:WorkingPeriod></t:WorkingPeriodArray>' +
  '</t:WorkingHours></m:FreeBusyView></m:FreeBusyResponse></m:FreeBusyResponseArray></m:GetUserAvailabilityResponse>';

describe('serializableTimeZoneXml', () => {
  it('writes the elements in schema order with the t: prefix', () => {
    expect(serializableTimeZoneXml(PACIFIC)).toBe(
      '<t:TimeZone><t:Bias>480</t:Bias>' +
        '<t:StandardTime><t:Bias>0</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>1</t:DayOrder><t:Month>11</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:StandardTime>' +
        '<t:DaylightTime><t:Bias>-60</t:Bias><t:Time>02:00:00</t:Time><t:DayOrder>2</t:DayOrder><t:Month>3</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek></t:DaylightTime>' +
        '</t:TimeZone>',
    );
  });
  it('puts Year last and honours another element name', () => {
    const xml = serializableTimeZoneXml({ ...PACIFIC, daylightTime: { ...PACIFIC.daylightTime, dayOrder: 12, year: 2026 } }, 't:Zone');
    expect(xml).toMatch(/^<t:Zone>.*<t:DayOfWeek>Sunday<\/t:DayOfWeek><t:Year>2026<\/t:Year><\/t:DaylightTime><\/t:Zone>$/);
  });
  it('is schema-valid in WorkingHours for DST, southern, fixed-date and no-DST zones, in both schemas', async () => {
    const zones = [
      PACIFIC,
      serializableFromIana('Australia/Sydney', 2026),
      serializableFromIana('Asia/Kolkata', 2026),
      serializableFromIana('Australia/Lord_Howe', 2026),
      { ...PACIFIC, standardTime: { ...PACIFIC.standardTime, dayOrder: 20, year: 2026 } },
    ];
    const docs = zones.map((z) => withWorkingHours(serializableTimeZoneXml(z)));
    await expectBodyXsdValid(docs, 'exchange-online');
    await expectBodyXsdValid(docs, 'exchange2010-sp2');
  });
});

describe('timeZoneDefinitionXml', () => {
  const def = timeZoneDefinitionData('Pacific Standard Time', { fromYear: 2005, toYear: 2008 })!;
  it('writes periods, recurring transitions (-1 = last) and dated group switches', () => {
    const xml = timeZoneDefinitionXml(def);
    expect(xml).toContain('<t:TimeZoneDefinition Id="Pacific Standard Time" Name="(UTC-08:00) Pacific Standard Time"><t:Periods>');
    expect(xml).toContain('<t:Period Bias="PT8H" Name="Standard" Id="Std/2005"/><t:Period Bias="PT7H" Name="Daylight" Id="Dlt/2005"/>');
    expect(xml).toContain(
      '<t:RecurringDayTransition><t:To Kind="Period">Std/2005</t:To><t:TimeOffset>PT2H</t:TimeOffset><t:Month>10</t:Month><t:DayOfWeek>Sunday</t:DayOfWeek><t:Occurrence>-1</t:Occurrence></t:RecurringDayTransition>',
    );
    expect(xml).toContain(
      '<t:Transitions><t:Transition><t:To Kind="Group">0</t:To></t:Transition><t:AbsoluteDateTransition><t:To Kind="Group">1</t:To><t:DateTime>2007-01-01T00:00:00</t:DateTime></t:AbsoluteDateTransition></t:Transitions>',
    );
  });
  it('writes only Id and Name without full data', () => {
    expect(timeZoneDefinitionXml(def, false)).toBe('<t:TimeZoneDefinition Id="Pacific Standard Time" Name="(UTC-08:00) Pacific Standard Time"/>');
  });
});
