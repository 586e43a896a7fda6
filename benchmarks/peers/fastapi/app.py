"""The FastAPI peer: a broadcast chat written the way FastAPI's documentation teaches it.

Taken from the tutorial's "Handling disconnections and multiple clients" example (fastapi.tiangolo.com,
Advanced User Guide, WebSockets): a ConnectionManager that keeps every connection in a list and, for
each message, answers the sender and then awaits send_text on each connection in turn. Only the HTML
page is left out. Run it as
benchmarks/compare does: uvicorn app:app --loop uvloop --ws websockets --workers 1.
"""

from fastapi import FastAPI, WebSocket, WebSocketDisconnect

app = FastAPI()


class ConnectionManager:
    def __init__(self):
        self.active_connections: list[WebSocket] = []

    async def connect(self, websocket: WebSocket):
        await websocket.accept()
        self.active_connections.append(websocket)

    def disconnect(self, websocket: WebSocket):
        self.active_connections.remove(websocket)

    async def send_personal_message(self, message: str, websocket: WebSocket):
        await websocket.send_text(message)

    async def broadcast(self, message: str):
        for connection in self.active_connections:
            await connection.send_text(message)


manager = ConnectionManager()


@app.websocket("/ws/{client_id}")
async def websocket_endpoint(websocket: WebSocket, client_id: int):
    await manager.connect(websocket)
    try:
        while True:
            data = await websocket.receive_text()
            await manager.send_personal_message(f"You wrote: {data}", websocket)
            await manager.broadcast(f"Client #{client_id} says: {data}")
    except WebSocketDisconnect:
        manager.disconnect(websocket)
        await manager.broadcast(f"Client #{client_id} left the chat")
