import { useEffect, useRef } from 'react';

declare global {
  interface Window {
    turnstile?: { render: (element: HTMLElement, options: { sitekey: string; callback: (token: string) => void }) => string };
  }
}

const scriptUrl = 'https://challenges.cloudflare.com/turnstile/v0/api.js';

/** Cloudflare's Turnstile widget, loaded only when /api/status turns it on; reports the token to send along. */
export default function Turnstile({ siteKey, onToken }: { siteKey: string; onToken: (token: string) => void }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let cancelled = false;
    const render = () => {
      if (!cancelled && box.current && window.turnstile) window.turnstile.render(box.current, { sitekey: siteKey, callback: onToken });
    };
    if (window.turnstile) render();
    else {
      const script = document.createElement('script');
      script.src = scriptUrl;
      script.async = true;
      script.onload = render;
      document.head.appendChild(script);
    }
    return () => {
      cancelled = true;
    };
  }, [siteKey, onToken]);
  return <div ref={box} />;
}
