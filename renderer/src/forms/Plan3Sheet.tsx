// 第3表 週間サービス計画表: the week by hour. The grid has one row per quarter hour (print.css and
// forms.css size them), so a service from 9:30 to 16:30 is a block that long on its weekday, and
// 主な日常生活上の活動 sit at their times in the right-hand column, as on the paper form. Below the grid:
// 週単位以外のサービス.
import type { CSSProperties } from 'react';
import { type Plan3Form, TIME_BANDS, WEEKDAYS, type WeeklyService } from '../../../shared/forms/index.js';
import { useI18n } from '../i18n/index.js';
import { Paper, PersonHead } from './Paper.js';

const QUARTERS = 24 * 4;
const HOURS = Array.from({ length: 24 }, (_, h) => h);
/** Grid columns: band, time, 月〜日, activities. */
const FIRST_DAY_COLUMN = 3;
const ACTIVITY_COLUMN = FIRST_DAY_COLUMN + 7;

/** A block shorter than an hour has room for one line only: its name and time side by side. */
const SHORT_MIN = 60;

/**
 * The grid rows a span of minutes covers: at least two quarters, so a point in time (起床 6:30) or a
 * 30-minute visit still has a line of text.
 */
function rows(startMin: number, endMin: number): CSSProperties {
  const from = Math.min(QUARTERS - 2, Math.floor(startMin / 15));
  const to = Math.max(from + 2, Math.min(QUARTERS, Math.ceil(endMin / 15)));
  return { gridRowStart: from + 1, gridRowEnd: to + 1 };
}

/** Side by side when services overlap on one day: the lane's share of the day column (2px gaps as in forms.css). */
function lane(s: WeeklyService): CSSProperties {
  if (s.lanes <= 1) return {};
  const share = 100 / s.lanes;
  return { justifySelf: 'start', width: `calc(${share}% - 4px)`, marginLeft: `calc(${share * s.lane}% + 2px)` };
}

export function Plan3Sheet({ form }: { form: Plan3Form }) {
  const { t } = useI18n();
  return (
    <Paper orientation="landscape" testId="plan3-sheet">
      <PersonHead table="formTable3" title="formPlan3Title" created={form.created} person={form.person} />
      <div className="week" data-testid="plan3-week">
        <div className="week-head">
          <span />
          <span />
          {WEEKDAYS.map((d) => (
            <span key={d.code} className={`week-day week-day-${d.code}`}>
              {d.label}
            </span>
          ))}
          <span>{t('formDailyActivities')}</span>
        </div>
        <div className="week-body">
          {TIME_BANDS.map((b) => (
            <span key={`${b.label}-${b.from}`} className="week-band" style={{ gridColumn: 1, gridRowStart: b.from * 4 + 1, gridRowEnd: b.to * 4 + 1 }}>
              {b.label}
            </span>
          ))}
          {HOURS.map((h) => (
            <span key={`t${h}`} className="week-hour" style={{ gridColumn: 2, gridRowStart: h * 4 + 1, gridRowEnd: h * 4 + 5 }}>
              {`${h}:00`}
            </span>
          ))}
          {HOURS.flatMap((h) =>
            Array.from({ length: 8 }, (_, c) => <span key={`c${h}-${c}`} className={`week-cell${h % 2 === 0 ? ' week-cell-even' : ''}`} style={{ gridColumn: FIRST_DAY_COLUMN + c, gridRowStart: h * 4 + 1, gridRowEnd: h * 4 + 5 }} />),
          )}
          {form.services.map((s) => (
            <span key={`${s.day}-${s.startMin}-${s.text}`} className={s.endMin - s.startMin < SHORT_MIN ? 'week-slot week-slot-short' : 'week-slot'} data-testid="plan3-slot" data-day={WEEKDAYS[s.day]?.label} title={`${s.text} ${s.time}`} style={{ gridColumn: FIRST_DAY_COLUMN + s.day, ...rows(s.startMin, s.endMin), ...lane(s) }}>
              <span className="week-slot-text">{s.text}</span>
              <span className="week-slot-time">{s.time}</span>
            </span>
          ))}
          {form.activities.map((a) =>
            a.startMin === null ? null : (
              <span key={`${a.startMin}-${a.text}`} className="week-activity" data-testid="plan3-activity" style={{ gridColumn: ACTIVITY_COLUMN, ...rows(a.startMin, a.endMin ?? a.startMin) }}>
                {a.time} {a.text}
              </span>
            ),
          )}
        </div>
      </div>
      <table className="paper-table plan3-foot">
        <tbody>
          <tr>
            <th scope="row">{t('formNonWeekly')}</th>
            <td data-testid="plan3-non-weekly">{form.nonWeekly.join('、')}</td>
          </tr>
          {form.activities.some((a) => a.startMin === null) || form.unplaced.length > 0 ? (
            <tr>
              <th scope="row">{t('formUnplaced')}</th>
              <td>{[...form.activities.filter((a) => a.startMin === null).map((a) => `${a.text} ${a.time}`.trim()), ...form.unplaced].join('、')}</td>
            </tr>
          ) : null}
        </tbody>
      </table>
    </Paper>
  );
}
