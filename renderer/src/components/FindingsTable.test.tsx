// @vitest-environment jsdom
import { cleanup, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { insuredError, YAMADA } from '../testing/fakeApi.js';
import { renderScreen } from '../testing/render.js';
import { FindingsTable } from './FindingsTable.js';

afterEach(cleanup);

describe('FindingsTable', () => {
  it('names the person of the row: 行 1（山田 花子 様）, or the number when no name is known', () => {
    const row = insuredError.row!;
    renderScreen(<FindingsTable errors={[insuredError, { ...insuredError, row: row + 1 }]} warnings={[]} people={{ [row]: YAMADA, [row + 1]: { ...YAMADA, insured: '0000067890', name: null, kana: null } }} />);
    const cells = within(screen.getByTestId('send-findings'))
      .getAllByRole('row')
      .slice(1)
      .map((r) => r.querySelector('.col-row')!.textContent);
    expect(cells).toEqual([`${row}（山田 花子 様）`, `${row + 1}（0000067890）`]);
  });
});
