import { mount } from 'svelte';
import App from './App.svelte';
import { app } from './state/app.svelte';
import { schemaView } from './state/schema.svelte';
import { safety } from './state/safety.svelte';
import './app.css';

const params = new URLSearchParams(window.location.search);
// The theme follows the system's colour scheme, live; `?theme=dark` / `?theme=light` overrides it
// (screenshots, tests). app.css keys its dark palette on data-theme alone.
const theme = params.get('theme');
const systemDark = window.matchMedia('(prefers-color-scheme: dark)');
const applyTheme = () => {
  document.documentElement.dataset.theme =
    theme === 'dark' || theme === 'light' ? theme : systemDark.matches ? 'dark' : 'light';
};
applyTheme();
systemDark.addEventListener('change', applyTheme);
// `?view=schema|activity|troubleshoot|checks|backups` opens that view; `&table=schema.name` a table, `&diagram` the ER
// diagram; with `checks`, `&run` checks drift and runs the round-trip test once connected.
const view = params.get('view');
if (view === 'schema' || view === 'activity' || view === 'troubleshoot' || view === 'checks' || view === 'backups') app.view = view;
if (view === 'checks' && params.has('run')) safety.autorun = true;
if (params.get('table')) schemaView.openTable(params.get('table')!);
if (params.has('diagram')) schemaView.mode = 'diagram';

export default mount(App, { target: document.getElementById('app')! });
