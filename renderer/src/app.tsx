export function App() {
  return (
    <main>
      <h1>Berth</h1>
    </main>
  );
}
