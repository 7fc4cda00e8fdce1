import { useState } from 'preact/hooks';
import { forgetToken, readToken, saveToken } from '../token.ts';

/**
 * Where the user pastes the command token (printed by `zero-perps start`, or API_TOKEN). It stays in this tab's
 * sessionStorage; the page never receives it from the server.
 */
export function TokenBox(props: { changed: () => void }) {
  const [draft, setDraft] = useState('');
  const has = readToken() !== null;
  if (has) {
    return (
      <span class="status" data-testid="token-set">
        token set{' '}
        <button
          type="button"
          data-testid="token-forget"
          onClick={() => {
            forgetToken();
            props.changed();
          }}
        >
          Forget
        </button>
      </span>
    );
  }
  return (
    <form
      class="status"
      onSubmit={(e) => {
        e.preventDefault();
        saveToken(draft);
        setDraft('');
        props.changed();
      }}
    >
      <input
        type="password"
        placeholder="API token for commands"
        autocomplete="off"
        data-testid="token-input"
        value={draft}
        onInput={(e) => setDraft((e.target as HTMLInputElement).value)}
      />{' '}
      <button type="submit" data-testid="token-save">
        Save
      </button>
    </form>
  );
}
