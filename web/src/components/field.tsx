import type { ComponentChildren } from 'preact';
import { rawValue } from '../format.ts';

/**
 * One labelled figure. `data-testid` names it for tests and `data-value` carries the unformatted number, so a
 * test compares numbers, not locale-formatted text.
 */
export function Field(props: {
  label: string;
  testid: string;
  value: unknown;
  children: ComponentChildren;
  cls?: string;
  /** What the figure means, shown on hover (and read by screen readers). */
  hint?: string;
}) {
  return (
    <>
      <dt title={props.hint}>{props.label}</dt>
      <dd data-testid={props.testid} data-value={rawValue(props.value)} class={props.cls}>
        {props.children}
      </dd>
    </>
  );
}
