import { Fragment } from 'react';
import { breakParts } from '../util/wrap.js';

/** A name that may wrap only between its words (where the script changes), never inside one. */
export function Breakable({ text }: { text: string | null | undefined }) {
  const parts = breakParts(text ?? '');
  return (
    <>
      {parts.map((p, i) => (
        <Fragment key={i}>
          {i > 0 ? <wbr /> : null}
          {p}
        </Fragment>
      ))}
    </>
  );
}
