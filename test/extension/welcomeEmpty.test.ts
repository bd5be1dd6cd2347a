// The "no container is running" welcome of the Containers view. A second, empty Docker engine is
// too heavy for CI, so the extension is pointed (containerDb.dockerHost) at a loopback HTTP proxy
// that forwards every request to the real engine's socket but answers GET /containers/json with
// []. That is a fake of the engine, acceptable ONLY here: what is under test is the view's welcome
// state (no tree items, containerDb.state == empty, the matching viewsWelcome entry), not Docker.
import * as assert from 'assert';
import * as fs from 'fs';
import * as http from 'http';
import type { AddressInfo } from 'net';
import * as path from 'path';
import * as vscode from 'vscode';
import type { ContainerDbApi } from '../../src/extension/extension';
import { extensionApi, rootItems } from './extensionApi';

const SOCKET = '/var/run/docker.sock';

function emptyEngineProxy(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && /^(\/v[\d.]+)?\/containers\/json(\?|$)/.test(req.url ?? '')) {
      res.writeHead(200, { 'Content-Type': 'application/json', 'Api-Version': '1.41' });
      res.end('[]');
      return;
    }
    const upstream = http.request({ socketPath: SOCKET, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('Containers view welcome when no container runs', function () {
  this.timeout(60000);
  let api: ContainerDbApi;
  let proxy: http.Server;

  before(async () => {
    api = await extensionApi();
    proxy = await emptyEngineProxy();
  });

  after(async () => {
    await vscode.workspace.getConfiguration('containerDb').update('dockerHost', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('containerDb.refresh');
    proxy?.closeAllConnections();
    await new Promise((r) => proxy?.close(r));
  });

  it('an engine with no containers: an empty tree whose state selects the "No container is running" welcome', async () => {
    const port = (proxy.address() as AddressInfo).port;
    await vscode.workspace.getConfiguration('containerDb').update('dockerHost', `tcp://127.0.0.1:${port}`, vscode.ConfigurationTarget.Global);
    api.docker.reset();
    await vscode.commands.executeCommand('containerDb.refresh');
    assert.strictEqual(api.docker.state.kind, 'ready', JSON.stringify(api.docker.state));
    assert.deepStrictEqual(api.docker.containers(), []);
    assert.deepStrictEqual(await rootItems(api), [], 'no tree items, so VS Code shows the welcome content');

    // The context key the service sets for this state is "empty" (dockerService.setState); the
    // manifest must have exactly one welcome for it, telling the user what to do.
    const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'package.json'), 'utf8'));
    const welcomes = (manifest.contributes.viewsWelcome as { view: string; contents: string; when: string }[]).filter(
      (w) => w.view === 'containerDb.containers' && w.when === 'containerDb.state == empty',
    );
    assert.strictEqual(welcomes.length, 1);
    assert.match(welcomes[0].contents, /No container is running/);
    assert.match(welcomes[0].contents, /\(command:containerDb\.refresh\)/);
  });

  it('back on the real engine, the containers are listed again', async () => {
    await vscode.workspace.getConfiguration('containerDb').update('dockerHost', undefined, vscode.ConfigurationTarget.Global);
    api.docker.reset();
    await vscode.commands.executeCommand('containerDb.refresh');
    assert.strictEqual(api.docker.state.kind, 'ready');
  });
});
