/**
 * The one page shell every webview uses: a strict Content-Security-Policy (nothing by default;
 * our stylesheets; only the one script carrying this page's nonce), so the policy that keeps data
 * from running as code is written once. Bodies are static markup; data reaches them only as
 * messages that the scripts render with textContent.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';

export interface WebviewPage {
  title: string;
  /** File names in media/. */
  styles: string[];
  script: string;
  /** Shared scripts in media/ run before `script`, in this order (e.g. gridCore.js); same nonce. */
  libraries?: string[];
  body: string;
}

export function webviewPage(webview: vscode.Webview, media: vscode.Uri, page: WebviewPage): string {
  const nonce = randomBytes(16).toString('base64');
  const uri = (name: string) => webview.asWebviewUri(vscode.Uri.joinPath(media, name));
  const csp = [`default-src 'none'`, `style-src ${webview.cspSource}`, `script-src 'nonce-${nonce}'`, `img-src ${webview.cspSource}`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${page.styles.map((s) => `<link rel="stylesheet" href="${uri(s)}">`).join('\n')}
<title>${page.title}</title>
</head>
<body>
${page.body.trim()}
${[...(page.libraries ?? []), page.script].map((s) => `<script nonce="${nonce}" src="${uri(s)}"></script>`).join('\n')}
</body>
</html>`;
}

/**
 * Points a panel at its page and its protocol, the same way for every webview: scripts on, only
 * media/ readable, and each message from the page checked by the protocol's parser before it is
 * handled (a page is untrusted territory: a malformed message is logged and dropped).
 */
export function wireWebview<M>(
  panel: vscode.WebviewPanel,
  media: vscode.Uri,
  html: (webview: vscode.Webview, media: vscode.Uri) => string,
  parse: (raw: unknown) => M | undefined,
  onMessage: (msg: M) => void,
  log: vscode.LogOutputChannel,
  what: string,
): vscode.Disposable {
  panel.webview.options = { enableScripts: true, localResourceRoots: [media] };
  panel.webview.html = html(panel.webview, media);
  return panel.webview.onDidReceiveMessage((raw) => {
    const msg = parse(raw);
    if (msg === undefined) log.warn(`${what}: ignored a malformed message from the webview`);
    else onMessage(msg);
  });
}
