import { useEffect, useState } from 'preact/hooks';
import { BotView } from './components/bot-view.tsx';
import { Overview } from './components/overview.tsx';
import { PreviewPanel } from './components/preview-panel.tsx';
import { TokenBox } from './components/token-box.tsx';
import { useStreamStatus } from './live.ts';

type Route = { page: 'overview' } | { page: 'bot'; id: string };

/** Hash routes (#/ and #/bots/:id) so any static server can serve the page. */
function parseRoute(hash: string): Route {
  const m = /^#\/bots\/([^/?]+)/.exec(hash);
  return m ? { page: 'bot', id: decodeURIComponent(m[1]!) } : { page: 'overview' };
}

export function App() {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [tokenVersion, setTokenVersion] = useState(0);
  const streamUp = useStreamStatus();

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  return (
    <>
      <header class="top">
        <h1>
          <a href="#/">zero-perps</a>
        </h1>
        <span class="status" data-testid="stream-status" data-up={String(streamUp)}>
          {streamUp ? '● live' : '○ polling'}
        </span>
        <span class="spacer" />
        <TokenBox changed={() => setTokenVersion((v) => v + 1)} />
      </header>
      <main>
        {route.page === 'overview' ? (
          <>
            <Overview
              open={(id) => {
                location.hash = `#/bots/${encodeURIComponent(id)}`;
              }}
            />
            <PreviewPanel />
          </>
        ) : (
          <BotView key={route.id} id={route.id} tokenVersion={tokenVersion} />
        )}
      </main>
      <footer class="status foot">Charts: TradingView Lightweight Charts™ (Apache-2.0).</footer>
    </>
  );
}
